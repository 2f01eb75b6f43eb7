/* Wrappers that carry a configuration key: a function passing its own parameters as a keyed
   model's node and key arguments is that model at each call, with the call's constant key
   (InsertConfigInteger(pRoot, "RamSize", cbRam) inserts the key /RamSize). A value inserted
   into the configuration tree reaches whoever queries that key. */
typedef unsigned long long uint64_t;
typedef unsigned int uint32_t;
typedef struct CFGMNODE *PCFGMNODE;
typedef struct TMSTATE { uint64_t cTicksPerSecond; uint32_t uFreq; } TMSTATE;
typedef struct MMSTATE { uint64_t cbRamBase; } MMSTATE;

/* the frontend's helpers */
static void InsertConfigInteger(PCFGMNODE pNode, const char *pcszName, uint64_t u64Integer)
{
    int vrc = CFGMR3InsertInteger(pNode, pcszName, u64Integer);
    (void)vrc;
}

static void InsertConfigNode(PCFGMNODE pNode, const char *pcszName, PCFGMNODE *ppChild)
{
    int vrc = CFGMR3InsertNode(pNode, pcszName, ppChild);
    (void)vrc;
}

int configConstructor(PUVM pUVM, uint64_t cbRam, uint64_t uTscHz)
{
    PCFGMNODE pRoot = CFGMR3GetRootU(pUVM);
    InsertConfigInteger(pRoot, "RamSize", cbRam);
    PCFGMNODE pTM;
    InsertConfigNode(pRoot, "TM", &pTM);
    InsertConfigInteger(pTM, "TSCTicksPerSecond", uTscHz);
    return 0;
}

/* the readers */
static int tmQueryU32Def(PCFGMNODE pNode, const char *pszName, uint32_t *pu32, uint32_t u32Def)
{
    return CFGMR3QueryU32Def(pNode, pszName, pu32, u32Def);
}

int tmInit(PVM pVM, TMSTATE *pTm)
{
    PCFGMNODE pCfgHandle = CFGMR3GetChild(CFGMR3GetRoot(pVM), "TM");
    int rc = CFGMR3QueryU64(pCfgHandle, "TSCTicksPerSecond", &pTm->cTicksPerSecond);
    rc = tmQueryU32Def(pCfgHandle, "Freq", &pTm->uFreq, 100);
    return rc;
}

int mmInit(PVM pVM, MMSTATE *pMm)
{
    uint64_t cbRam;
    int rc = CFGMR3QueryU64(CFGMR3GetRoot(pVM), "RamSize", &cbRam);
    pMm->cbRamBase = cbRam;
    return rc;
}

/* Devices: the frontend builds /Devices/<name>/<instance>/Config (the name a variable here); a
   device's constructor, registered in a pfnConstruct slot, reads its Config node. A handle
   variable created twice names the node of the call before each use. */
typedef struct AHCISTATE { uint32_t cPortsImpl; } AHCISTATE;
typedef struct DEVREG { const char *szName; int (*pfnConstruct)(PPDMDEVINS pDevIns, int iInstance, PCFGMNODE pCfg); } DEVREG;

int configDevices(PUVM pUVM, const char *pszCtrlDev, uint64_t cPorts, uint64_t cOther)
{
    PCFGMNODE pRoot = CFGMR3GetRootU(pUVM);
    PCFGMNODE pDevices, pDev, pInst, pCfg = NULL;
    InsertConfigNode(pRoot, "Devices", &pDevices);
    InsertConfigNode(pDevices, pszCtrlDev, &pDev);
    InsertConfigNode(pDev, "0", &pInst);
    InsertConfigNode(pInst, "Config", &pCfg);
    InsertConfigInteger(pCfg, "PortCount", cPorts);
    InsertConfigNode(pRoot, "Other", &pCfg);
    InsertConfigInteger(pCfg, "PortCount", cOther);
    return 0;
}

static int ahciConstruct(PPDMDEVINS pDevIns, int iInstance, PCFGMNODE pCfg)
{
    AHCISTATE *pThis = (AHCISTATE *)pDevIns->pvInstanceData;
    return CFGMR3QueryU32Def(pCfg, "PortCount", &pThis->cPortsImpl, 8);
}

const DEVREG g_DeviceAHCI = { "ahci", ahciConstruct };

// flow here: configDevices#2 -> cfgm:/Devices/<device>/<instance>/Config/PortCount
// flow here: configDevices#2 -> AHCISTATE.cPortsImpl
// no flow here: configDevices#3 -> AHCISTATE.cPortsImpl
// flow here: configDevices#3 -> cfgm:/Other/PortCount
// flow here: configConstructor#2 -> cfgm:/TM/TSCTicksPerSecond
// flow here: configConstructor#2 -> TMSTATE.cTicksPerSecond
// flow here: configConstructor#1 -> MMSTATE.cbRamBase
// no flow here: configConstructor#1 -> TMSTATE.cTicksPerSecond
// no flow here: configConstructor#2 -> MMSTATE.cbRamBase
// flow here: cfgm:/TM/Freq -> TMSTATE.uFreq
// no flow here: configConstructor#1 -> TMSTATE.uFreq
// no flow here: cfgm:/TM/TSCTicksPerSecond -> TMSTATE.uFreq
