/* Taint: a request read from guest memory through a pointer (its fields are guest values), and
   a guest-controlled length passed to a second guest memory read into a fixed host buffer. */
typedef struct REQHDR { unsigned cbPayload; unsigned uType; } REQHDR;
typedef struct DEV { unsigned char abPayload[128]; } DEV;

void devFetchUnchecked(void *pDevIns, DEV *pThis, unsigned long GCPhys, REQHDR *pHdr)
{
    PDMDevHlpPhysRead(pDevIns, GCPhys, pHdr, sizeof(*pHdr));
    PDMDevHlpPhysRead(pDevIns, GCPhys + 8, pThis->abPayload, pHdr->cbPayload); // taint: unchecked
}

void devFetchChecked(void *pDevIns, DEV *pThis, unsigned long GCPhys, REQHDR *pHdr)
{
    PDMDevHlpPhysRead(pDevIns, GCPhys, pHdr, sizeof(*pHdr));
    ASSERT_GUEST_RETURN_VOID(pHdr->cbPayload <= sizeof(pThis->abPayload));
    PDMDevHlpPhysRead(pDevIns, GCPhys + 8, pThis->abPayload, pHdr->cbPayload); // taint: checked (assert-return)
}

// flow here: REQHDR.cbPayload -> guest-read-size:PDMDevHlpPhysRead
