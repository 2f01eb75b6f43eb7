/* Function pointers: plain assignments and registration tables (designated and positional). */
typedef struct PDMDEVREG
{
    uint32_t u32Version;
    DECLR3CALLBACKMEMBER(int, pfnConstruct, (PPDMDEVINS pDevIns, int iInstance));
    DECLR3CALLBACKMEMBER(int, pfnReset, (PPDMDEVINS pDevIns, int fFlags));
} PDMDEVREG;
typedef const PDMDEVREG *PCPDMDEVREG;
typedef struct PDMDEVINS { PCPDMDEVREG pReg; int iLast; } PDMDEVINS;
typedef PDMDEVINS *PPDMDEVINS;

static DECLCALLBACK(int) fooConstruct(PPDMDEVINS pDevIns, int iInstance)
{
    pDevIns->iLast = iInstance;
    return 0;
}

static DECLCALLBACK(int) barConstruct(PPDMDEVINS pDevIns, int iInstance)
{
    return iInstance;
}

static DECLCALLBACK(int) bazReset(PPDMDEVINS pDevIns, int fFlags)
{
    return fFlags;
}

const PDMDEVREG g_DeviceFoo = { .u32Version = 1, .pfnConstruct = fooConstruct };
const PDMDEVREG g_DeviceBar = { 1, barConstruct, bazReset };

int pdmR3DevConstruct(PPDMDEVINS pDevIns, int iInstance)
{
    int rc = pDevIns->pReg->pfnConstruct(pDevIns, iInstance);
    return rc;
}

int pdmR3DevReset(PPDMDEVINS pDevIns, int fWhat)
{
    return pDevIns->pReg->pfnReset(pDevIns, fWhat);
}

// flow here: pdmR3DevConstruct#1 (iInstance) -> PDMDEVINS.iLast
// flow here: pdmR3DevConstruct#1 (iInstance) -> pdmR3DevConstruct:rc
// flow here: pdmR3DevReset#1 (fWhat) -> pdmR3DevReset()
// no flow here: pdmR3DevReset#1 (fWhat) -> PDMDEVINS.iLast
