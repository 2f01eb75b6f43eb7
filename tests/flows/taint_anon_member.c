/* Taint: fields of unnamed member structs of a request read from guest memory (`pXfer->Src.off`,
   `pXfer->Dst.off`): each is its own guest value, named by its path; a bound of one is not a
   bound of the other. */
typedef struct XFER
{
    unsigned cb;
    union { unsigned off; unsigned long GCPhys; } Src;
    union { unsigned off; unsigned long GCPhys; } Dst;
} XFER;
typedef struct DEV { unsigned char *pbRam; unsigned cbRam; } DEV;

void devXfer(void *pDevIns, DEV *pThis, unsigned long GCPhys, XFER *pXfer)
{
    PDMDevHlpPhysRead(pDevIns, GCPhys, pXfer, sizeof(*pXfer));
    unsigned char *pbRam = pThis->pbRam;
    unsigned cbCopy = pXfer->cb;
    if (pXfer->Src.off > pThis->cbRam)
        return;
    unsigned char *pbSrc = pbRam + pXfer->Src.off; // taint: checked (early exit)
    unsigned char *pbDst = pbRam + pXfer->Dst.off; // taint: unchecked
    memmove(pbDst, pbSrc, cbCopy); // taint: unchecked
}

// flow here: XFER.cb -> copy-size:memmove
