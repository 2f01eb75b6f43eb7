/* Taint: a mask bounds the guest value used as a size (checked); the same value shifted is
   not bounded (unchecked). The value is what the guest writes to an MMIO range. */
typedef struct DEV { unsigned char abBuf[256]; unsigned char abSrc[256]; unsigned char abReg[256]; } DEV;

static int devMmioMasked(void *pDevIns, void *pvUser, unsigned long off, void const *pv, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    unsigned u32 = *(unsigned const *)pv;
    unsigned cbCopy = u32 & 0xff;
    memcpy(pThis->abBuf, pThis->abSrc, cbCopy); // taint: checked (mask)
    return 0;
}

static int devMmioShifted(void *pDevIns, void *pvUser, unsigned long off, void const *pv, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    unsigned u32 = *(unsigned const *)pv;
    unsigned cbCopy = u32 >> 8;
    memcpy(pThis->abBuf, pThis->abSrc, cbCopy); // taint: unchecked
    return 0;
}

int devConstruct(void *pDevIns, DEV *pThis)
{
    PDMDevHlpMmioCreate(pDevIns, 0x1000, 0, 0, devMmioMasked, 0, 0, pThis, 0, "a", 0);
    PDMDevHlpMmioCreate(pDevIns, 0x1000, 0, 0, devMmioShifted, 0, 0, pThis, 0, "b", 0);
    return 0;
}

// flow here: devMmioShifted:u32 -> copy-size:memcpy

/* A mask that clears low bits (`& ~0xfff`, or a name defined as one) keeps the high bits: no
   bound; an equality of two guest values is no bound either. */
#define PAGE_BASE_MASK (~0xfffU)
static int devOutClearLow(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    unsigned cbA = u32 & ~0xfffU;
    unsigned cbB = u32 & PAGE_BASE_MASK;
    memset(pThis->abBuf, 0, cbA); // taint: unchecked
    memset(pThis->abReg, 0, cbB); // taint: unchecked
    if ((u32 >> 8) == (u32 >> 16))
        memmove(pThis->abBuf, pThis->abReg, u32 >> 8); // taint: unchecked
    return 0;
}

int devConstruct3(void *pDevIns, DEV *pThis)
{
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutClearLow, 0, pThis, "z", 0, 0);
    return 0;
}
