/* A device's configuration is /Devices/<device>/<instance>/Config: the fix advice of a key its
   constructor reads names the device from the registration the constructor is stored in (the
   szName member, queries/models/cfgm.toml fill). Two devices reading one key name both; a
   driver's registration (its constructor gets the LUN's node) does not name the device; a
   registration without a name keeps <device>. tests/test_device_names.py checks the advice. */
typedef unsigned int uint32_t;
typedef struct PDMDEVINS { void *pvInstanceData; } PDMDEVINS, *PPDMDEVINS;
typedef struct CFGMNODE CFGMNODE, *PCFGMNODE;
typedef struct PDMDRVINS PDMDRVINS, *PPDMDRVINS;
int CFGMR3QueryU32Def(PCFGMNODE pNode, const char *pszName, uint32_t *pu32, uint32_t u32Def);

typedef struct DEVREG { unsigned u32Version; const char *szName; unsigned fFlags;
                        int (*pfnConstruct)(PPDMDEVINS pDevIns, int iInstance, PCFGMNODE pCfg); } DEVREG;
typedef struct DRVREG { unsigned u32Version; const char *szName;
                        int (*pfnConstruct)(PPDMDRVINS pDrvIns, PCFGMNODE pCfg, uint32_t fFlags); } DRVREG;
typedef struct NETSTATE { uint32_t cMsLinkUpDelay; uint32_t cbMtu; uint32_t uLunDelay; uint32_t uQuirk; } NETSTATE;

static int e1kConstruct(PPDMDEVINS pDevIns, int iInstance, PCFGMNODE pCfg)
{
    NETSTATE *pThis = (NETSTATE *)pDevIns->pvInstanceData;
    CFGMR3QueryU32Def(pCfg, "LinkUpDelay", &pThis->cMsLinkUpDelay, 5000);
    return CFGMR3QueryU32Def(pCfg, "Mtu", &pThis->cbMtu, 1500);
}

static int pcnetConstruct(PPDMDEVINS pDevIns, int iInstance, PCFGMNODE pCfg)
{
    NETSTATE *pThis = (NETSTATE *)pDevIns->pvInstanceData;
    return CFGMR3QueryU32Def(pCfg, "LinkUpDelay", &pThis->cMsLinkUpDelay, 5000);
}

static int drvConstruct(PPDMDRVINS pDrvIns, PCFGMNODE pCfg, uint32_t fFlags)
{
    NETSTATE *pThis = 0;
    return CFGMR3QueryU32Def(pCfg, "LunDelay", &pThis->uLunDelay, 0);
}

static int anonConstruct(PPDMDEVINS pDevIns, int iInstance, PCFGMNODE pCfg)
{
    NETSTATE *pThis = (NETSTATE *)pDevIns->pvInstanceData;
    return CFGMR3QueryU32Def(pCfg, "Quirk", &pThis->uQuirk, 0);
}

const DEVREG g_DeviceE1000 = { 1, "e1000", 0, e1kConstruct };
const DEVREG g_DevicePCNet = { .u32Version = 1, .szName = "pcnet", .pfnConstruct = pcnetConstruct };
const DEVREG g_DeviceAnon = { 1, 0, 0, anonConstruct };
const DRVREG g_DrvNet = { 1, "IntNet", drvConstruct };

// flow here: cfgm:/Devices/<device>/<instance>/Config/Mtu -> NETSTATE.cbMtu
// flow here: cfgm:/Devices/<device>/<instance>/Config/LinkUpDelay -> NETSTATE.cMsLinkUpDelay
// flow here: cfgm:/Devices/<device>/<instance>/LUN#<n>/Config/LunDelay -> NETSTATE.uLunDelay
// no flow here: cfgm:/Devices/<device>/<instance>/Config/Mtu -> NETSTATE.uQuirk
