/* Taint: a guest field used straight as a pointer offset or an array index (no local in between),
   and a bound under a condition that the use repeats (`if (fFlags & F) { bound }` ... `if (fFlags
   & F) use`): checked; under another condition it is not. The request is read from guest memory. */
#define REQ_F_OFFSET 1
#define REQ_F_OTHER  2
typedef struct REQHDR { unsigned offData; unsigned iReg; unsigned fFlags; } REQHDR;
typedef struct DEV { unsigned aRegs[16]; unsigned char *pbRam; unsigned cbRam; } DEV;

unsigned devLogReg(void *pDevIns, unsigned long GCPhys, REQHDR *pHdr)
{
    PDMDevHlpPhysRead(pDevIns, GCPhys, pHdr, sizeof(*pHdr));
    unsigned iReg = pHdr->iReg; /* (a field read only as an index has no node of its own) */
    return iReg != 0;
}

unsigned char *devOffsetUnchecked(void *pDevIns, DEV *pThis, unsigned long GCPhys, REQHDR *pHdr)
{
    PDMDevHlpPhysRead(pDevIns, GCPhys, pHdr, sizeof(*pHdr));
    unsigned char *pbRam = pThis->pbRam;
    pThis->aRegs[pHdr->iReg] = 0; // taint: unchecked
    return pbRam + pHdr->offData; // taint: unchecked
}

unsigned char *devOffsetChecked(void *pDevIns, DEV *pThis, unsigned long GCPhys, REQHDR *pHdr)
{
    PDMDevHlpPhysRead(pDevIns, GCPhys, pHdr, sizeof(*pHdr));
    unsigned char *pbRam = pThis->pbRam;
    if (pHdr->offData >= pThis->cbRam || pHdr->iReg >= 16)
        return 0;
    pThis->aRegs[pHdr->iReg] = 0; // taint: checked (early exit)
    return pbRam + pHdr->offData; // taint: checked (early exit)
}

unsigned char *devOffsetSameGuard(void *pDevIns, DEV *pThis, unsigned long GCPhys, REQHDR *pHdr)
{
    unsigned char *pb = 0;
    PDMDevHlpPhysRead(pDevIns, GCPhys, pHdr, sizeof(*pHdr));
    unsigned char *pbRam = pThis->pbRam;
    if (pHdr->fFlags & REQ_F_OFFSET)
    {
        if (pHdr->offData < pThis->cbRam)
        { /* likely */ }
        else
            return 0;
    }
    if (pHdr->fFlags & REQ_F_OFFSET)
        pb = pbRam + pHdr->offData; // taint: checked (early exit)
    return pb;
}

unsigned char *devOffsetOtherGuard(void *pDevIns, DEV *pThis, unsigned long GCPhys, REQHDR *pHdr)
{
    unsigned char *pb = 0;
    PDMDevHlpPhysRead(pDevIns, GCPhys, pHdr, sizeof(*pHdr));
    unsigned char *pbRam = pThis->pbRam;
    if (pHdr->fFlags & REQ_F_OTHER)
    {
        if (pHdr->offData >= pThis->cbRam)
            return 0;
    }
    if (pHdr->fFlags & REQ_F_OFFSET)
        pb = pbRam + pHdr->offData; // taint: unchecked
    return pb;
}

// flow here: REQHDR.iReg -> devLogReg:iReg
