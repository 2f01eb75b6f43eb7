/* Taint: a guest value as an array index, a pointer offset and a loop bound; each checked
   twin bounds it first. The value is what the guest writes to an I/O port. */
typedef struct DEV { unsigned aRegs[16]; unsigned char abBuf[64]; } DEV;

static int devOutIndex(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    unsigned iReg = u32 >> 24;
    pThis->aRegs[iReg] = 0; // taint: unchecked
    return 0;
}

static int devOutIndexChecked(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    unsigned iReg = u32 >> 24;
    if (iReg >= 16)
        return -1;
    pThis->aRegs[iReg] = 0; // taint: checked (early exit)
    return 0;
}

static int devOutOffset(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    unsigned char *pb = pThis->abBuf;
    unsigned char *pbEnd = pb + u32; // taint: unchecked
    return pbEnd != 0;
}

static int devOutLoop(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    unsigned i;
    unsigned cIter = u32 & 0xf;
    for (i = 0; i < cIter; i++) // taint: checked (mask)
        pThis->abBuf[i] = 0;
    for (i = 0; i < u32; i++) // taint: unchecked
        pThis->abBuf[0] = 0;
    return 0;
}

int devConstruct(void *pDevIns, DEV *pThis)
{
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutIndex, 0, pThis, "a", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutIndexChecked, 0, pThis, "b", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutOffset, 0, pThis, "c", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutLoop, 0, pThis, "d", 0, 0);
    return 0;
}

// flow here: devOutIndex#3 (u32) -> devOutIndex:iReg

/* A loop over a guest-filled array's own size is bounded by a constant, not by the guest. */
static int devOutElements(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    unsigned aVals[4];
    unsigned i, uSum = 0;
    PDMDevHlpPhysRead(pDevIns, u32, aVals, sizeof(aVals));
    for (i = 0; i < RT_ELEMENTS(aVals); i++)
        uSum += aVals[i];
    return uSum != 0;
}

static int devOutShortCircuit(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    unsigned iReg = u32 >> 24;
    if (   iReg >= 16
        || pThis->aRegs[iReg] == 0) // taint: checked (if)
        return -1;
    return 0;
}

static int devOutShortCircuitOther(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    unsigned iReg = u32 >> 24;
    if (   cb >= 16
        || pThis->aRegs[iReg] == 1) // taint: unchecked
        return -1;
    return 0;
}

int devConstruct2(void *pDevIns, DEV *pThis)
{
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutShortCircuit, 0, pThis, "e", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutShortCircuitOther, 0, pThis, "f", 0, 0);
    return 0;
}
