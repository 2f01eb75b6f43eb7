/* Taint: a bound too weak for the sink does not count. A mask, a narrowing or a comparison with
   a constant bounds an index only when what it lets through fits the array (its element count
   a constant, a #define or RT_ELEMENTS of it); a bound on the offset alone does not check an
   offset passed with a length to a copy (the access reaches offset + length). */
#define DEV_MAX_STREAMS 8
typedef struct DEVSTREAM { unsigned uReg; } DEVSTREAM;
typedef struct DEV { DEVSTREAM aStreams[DEV_MAX_STREAMS]; unsigned char abBuf[256]; unsigned cbData; } DEV;

static int devOutStreamNarrow(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    uint8_t uSD = (u32 >> 4) & 0x0F;
    pThis->aStreams[uSD].uReg = 0; // taint: unchecked
    return 0;
}

static int devOutStreamMask(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    unsigned uSD = (u32 >> 4) & 7;
    pThis->aStreams[uSD].uReg = 0; // taint: checked (mask)
    return 0;
}

static int devOutStreamOffByOne(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    if (u32 > RT_ELEMENTS(pThis->aStreams))
        return -1;
    pThis->aStreams[u32].uReg = 0; // taint: unchecked
    return 0;
}

static int devOutStreamElements(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    if (u32 >= RT_ELEMENTS(pThis->aStreams))
        return -1;
    pThis->aStreams[u32].uReg = 0; // taint: checked (early exit)
    return 0;
}

static int devOutStreamDefine(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    if (u32 < DEV_MAX_STREAMS)
        pThis->aStreams[u32].uReg = 0; // taint: checked (if)
    return 0;
}

static int devOutLocalArray(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    unsigned aTmp[4] = { 0 };
    aTmp[u32 & 3] = 1; // taint: checked (mask)
    aTmp[u32 & 0xff] = 1; // taint: unchecked
    return aTmp[0] != 0;
}

int devConstruct(void *pDevIns, DEV *pThis)
{
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutStreamNarrow, 0, pThis, "a", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutStreamMask, 0, pThis, "b", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutStreamOffByOne, 0, pThis, "c", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutStreamElements, 0, pThis, "d", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutStreamDefine, 0, pThis, "e", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutLocalArray, 0, pThis, "f", 0, 0);
    return 0;
}

static int devOutSumMasked(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    unsigned char *pb = pThis->abBuf;
    unsigned offStart = u32 & 0xff;
    memcpy(pb + offStart, pvUser, pThis->cbData); // taint: unchecked
    return 0;
}

static int devOutSumChecked(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    unsigned char *pb = pThis->abBuf;
    unsigned offStart = u32 & 0xff;
    if (offStart + pThis->cbData > sizeof(pThis->abBuf))
        return -1;
    memcpy(pb + offStart, pvUser, pThis->cbData); // taint: checked (early exit)
    return 0;
}

static int devOutSumLeft(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    unsigned char *pb = pThis->abBuf;
    if (pThis->cbData > sizeof(pThis->abBuf) - u32)
        return -1;
    memcpy(pb + u32, pvUser, pThis->cbData); // taint: checked (early exit)
    return 0;
}

static int devOutSumClamped(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    unsigned char *pb = pThis->abBuf;
    unsigned offStart = RT_MIN(u32, pThis->cbData);
    memcpy(pb + offStart, pvUser, pThis->cbData - offStart); // taint: checked (bound)
    return 0;
}

int devConstruct2(void *pDevIns, DEV *pThis)
{
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutSumMasked, 0, pThis, "g", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutSumChecked, 0, pThis, "h", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutSumLeft, 0, pThis, "i", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutSumClamped, 0, pThis, "j", 0, 0);
    return 0;
}

// flow here: devOutSumMasked#3 (u32) -> devOutSumMasked:offStart
