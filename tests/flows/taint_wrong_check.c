/* Taint: a check of another variable does not bound the guest value, nor does a check after
   the copy; a struct field read from guest memory carries the taint across two functions. */
typedef struct DESC { unsigned cbBuf; unsigned cbOther; } DESC;
typedef struct DEV { unsigned char abBuf[64]; unsigned char abSrc[64]; unsigned cbMax; } DEV;

static void devCopyOut(DEV *pThis, unsigned cbCopy)
{
    memcpy(pThis->abBuf, pThis->abSrc, cbCopy); /* (reported at the call of devCopyOut) */
}

void devDescOtherVar(void *pDevIns, DEV *pThis, unsigned long GCPhys)
{
    DESC Desc;
    PDMDevHlpPhysRead(pDevIns, GCPhys, &Desc, sizeof(Desc));
    if (Desc.cbOther > sizeof(pThis->abBuf))
        return;
    devCopyOut(pThis, Desc.cbBuf); // taint: unchecked
}

static int devOutLate(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    unsigned cbLen = u32;
    memmove(pThis->abBuf, pThis->abSrc, cbLen); // taint: unchecked
    if (cbLen > sizeof(pThis->abBuf))
        return -1;
    return 0;
}

static int devOutOtherLocal(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    unsigned cbLimit = pThis->cbMax;
    if (cbLimit > sizeof(pThis->abBuf))
        return -1;
    memmove(pThis->abBuf, pThis->abSrc, u32); // taint: unchecked
    return 0;
}

int devConstruct(void *pDevIns, DEV *pThis)
{
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutLate, 0, pThis, "a", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutOtherLocal, 0, pThis, "b", 0, 0);
    return 0;
}

// flow here: DESC.cbBuf -> devCopyOut#1 (cbCopy)
// flow here: devOutLate#3 (u32) -> copy-size:memmove
