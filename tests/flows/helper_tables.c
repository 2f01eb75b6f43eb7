/* Models reached through a table of helpers (pHlp->pfnCFGMQueryU32) and a device's configuration
   node handed to its constructor. */
typedef unsigned int uint32_t;
typedef struct CFGMNODE *PCFGMNODE;
typedef struct PDMDEVHLPR3
{
    int (*pfnCFGMQueryU32Def)(PCFGMNODE pNode, const char *pszName, uint32_t *pu32, uint32_t u32Def);
    int (*pfnOther)(PCFGMNODE pNode, const char *pszName, uint32_t *pu32);
} PDMDEVHLPR3;
typedef struct PDMDEVINS { const PDMDEVHLPR3 *pHlpR3; } PDMDEVINS;
typedef PDMDEVINS *PPDMDEVINS;
typedef struct DEVSTATE { uint32_t u32CreatorRev; uint32_t u32Untouched; } DEVSTATE;
typedef struct PDMDEVREG { int (*pfnConstruct)(PPDMDEVINS pDevIns, int iInstance, PCFGMNODE pCfg); } PDMDEVREG;

static int devConstruct(PPDMDEVINS pDevIns, int iInstance, PCFGMNODE pCfg)
{
    DEVSTATE *pThis = 0;
    const PDMDEVHLPR3 *pHlp = pDevIns->pHlpR3;
    int rc = pHlp->pfnCFGMQueryU32Def(pCfg, "CreatorRev", &pThis->u32CreatorRev, 1);
    rc = pHlp->pfnOther(pCfg, "Untouched", &pThis->u32Untouched);
    return rc;
}

const PDMDEVREG g_DeviceTest = { devConstruct };

// flow here: cfgm:/Devices/<device>/<instance>/Config/CreatorRev -> DEVSTATE.u32CreatorRev
// no flow here: cfgm:/Devices/<device>/<instance>/Config/CreatorRev -> DEVSTATE.u32Untouched
