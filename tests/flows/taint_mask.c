/* Taint: a mask bounds the guest value used as a size (checked); the same value shifted is
   not bounded (unchecked). The value is what the guest writes to an MMIO range. */
typedef struct DEV { unsigned char abBuf[256]; unsigned char abSrc[256]; } DEV;

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
