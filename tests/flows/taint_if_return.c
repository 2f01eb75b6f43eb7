/* Taint: a comparison that returns before the copy bounds the guest value (checked); the same
   handler without it is unchecked. The value is what the guest writes to an I/O port. */
typedef struct DEV { unsigned char abBuf[64]; unsigned char abReg[64]; } DEV;

static int devOutChecked(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    if (u32 > sizeof(pThis->abBuf))
        return -1;
    memcpy(pThis->abBuf, pThis->abReg, u32); // taint: checked (early exit)
    return 0;
}

static int devOutGoto(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    if (u32 >= 64)
        goto fail;
    memset(pThis->abBuf, 0, u32); // taint: checked (early exit)
fail:
    return 0;
}

static int devOutGuarded(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    if (u32 <= sizeof(pThis->abBuf))
        memcpy(pThis->abBuf, pThis->abReg, u32); // taint: checked (if)
    return 0;
}

static int devOutUnchecked(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    memcpy(pThis->abBuf, pThis->abReg, u32); // taint: unchecked
    return 0;
}

int devConstruct(void *pDevIns, DEV *pThis)
{
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutChecked, 0, pThis, "a", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutGoto, 0, pThis, "b", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutGuarded, 0, pThis, "c", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutUnchecked, 0, pThis, "d", 0, 0);
    return 0;
}

// flow here: devOutChecked#3 (u32) -> copy-size:memcpy
// flow here: devOutUnchecked#3 (u32) -> copy-size:memcpy
