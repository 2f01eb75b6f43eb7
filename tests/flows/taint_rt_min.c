/* Taint: RT_MIN bounds the guest length (checked); RT_MAX does not (unchecked). The length
   comes from a request the device reads from guest memory. */
typedef struct REQ { unsigned cbData; unsigned uFlags; } REQ;
typedef struct DEV { unsigned char abBuf[64]; unsigned char abSrc[64]; } DEV;

void devReqMin(void *pDevIns, DEV *pThis, unsigned long GCPhys)
{
    REQ Req;
    PDMDevHlpPhysRead(pDevIns, GCPhys, &Req, sizeof(Req));
    unsigned cb = RT_MIN(Req.cbData, sizeof(pThis->abBuf));
    memcpy(pThis->abBuf, pThis->abSrc, cb); // taint: checked (bound)
}

void devReqMax(void *pDevIns, DEV *pThis, unsigned long GCPhys)
{
    REQ Req;
    PDMDevHlpPhysRead(pDevIns, GCPhys, &Req, sizeof(Req));
    unsigned cb = RT_MAX(Req.cbData, 16);
    memcpy(pThis->abBuf, pThis->abSrc, cb); // taint: unchecked
}

// flow here: REQ.cbData -> copy-size:memcpy
// (a struct filled through &Req: its fields are the local object's)
// flow here: guest-memory:PDMDevHlpPhysRead -> copy-size:memcpy

/* Two guest values into one copy: one bounded, one not; the copy is unchecked. */
void devReqTwo(void *pDevIns, DEV *pThis, unsigned long GCPhys)
{
    REQ Req;
    PDMDevHlpPhysRead(pDevIns, GCPhys, &Req, sizeof(Req));
    unsigned cbA = RT_MIN(Req.cbData, sizeof(pThis->abBuf));
    unsigned cbB = Req.uFlags;
    memcpy(pThis->abBuf, pThis->abSrc, cbA + cbB); // taint: unchecked
}
