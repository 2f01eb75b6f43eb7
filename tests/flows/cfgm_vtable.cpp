/* A frontend that reaches the configuration API through a function table (a class member or a
   parameter holding pointers: mpVMM->pfnCFGMR3InsertNode(..)) instead of calling it by name:
   the table's members are the same models as the functions (the model rows name pfnX), so the
   root handle, the nodes a wrapper creates and the keyed inserts build the same keys as direct
   calls, and a device's constructor reads what the frontend inserted. */
typedef unsigned long long uint64_t;
typedef unsigned int uint32_t;
typedef struct CFGMNODE *PCFGMNODE;
typedef struct UVM *PUVM;
typedef struct VMMR3VTABLE
{
    PCFGMNODE (*pfnCFGMR3GetRootU)(PUVM pUVM);
    int (*pfnCFGMR3InsertNode)(PCFGMNODE pNode, const char *pszName, PCFGMNODE *ppChild);
    int (*pfnCFGMR3InsertInteger)(PCFGMNODE pNode, const char *pszName, uint64_t u64);
} VMMR3VTABLE;
typedef const VMMR3VTABLE *PCVMMR3VTABLE;

class Console
{
public:
    int configConstructor(PUVM pUVM, PCVMMR3VTABLE pVMM, uint64_t cbRam, uint64_t cLinkSpeed, uint64_t cOther);
    void InsertConfigInteger(PCFGMNODE pNode, const char *pcszName, uint64_t u64Integer);
    void InsertConfigNode(PCFGMNODE pNode, const char *pcszName, PCFGMNODE *ppChild);
private:
    PCVMMR3VTABLE mpVMM;
};

void Console::InsertConfigInteger(PCFGMNODE pNode, const char *pcszName, uint64_t u64Integer)
{
    int vrc = mpVMM->pfnCFGMR3InsertInteger(pNode, pcszName, u64Integer);
    (void)vrc;
}

void Console::InsertConfigNode(PCFGMNODE pNode, const char *pcszName, PCFGMNODE *ppChild)
{
    int vrc = mpVMM->pfnCFGMR3InsertNode(pNode, pcszName, ppChild);
    (void)vrc;
}

int Console::configConstructor(PUVM pUVM, PCVMMR3VTABLE pVMM, uint64_t cbRam, uint64_t cLinkSpeed, uint64_t cOther)
{
    PCFGMNODE pRoot = pVMM->pfnCFGMR3GetRootU(pUVM);
    InsertConfigInteger(pRoot, "RamSize", cbRam);
    PCFGMNODE pDevices = NULL;
    InsertConfigNode(pRoot, "Devices", &pDevices);
    PCFGMNODE pDev, pInst, pCfg;
    InsertConfigNode(pDevices, "pcnet", &pDev);
    InsertConfigNode(pDev, "0", &pInst);
    InsertConfigNode(pInst, "Config", &pCfg);
    InsertConfigInteger(pCfg, "LineSpeed", cLinkSpeed);
    InsertConfigInteger(pRoot, "Other", cOther);
    return 0;
}

/* the readers: the VMM by name, a device through its helper table */
typedef struct MMSTATE { uint64_t cbRamBase; } MMSTATE;
typedef struct PCNETSTATE { uint32_t u32LinkSpeed; } PCNETSTATE;
typedef struct PDMDEVHLPR3
{
    int (*pfnCFGMQueryU32Def)(PCFGMNODE pNode, const char *pszName, uint32_t *pu32, uint32_t u32Def);
} PDMDEVHLPR3;
typedef struct PDMDEVINS { const PDMDEVHLPR3 *pHlpR3; void *pvInstanceData; } PDMDEVINS, *PPDMDEVINS;
typedef struct DEVREG { const char *szName; int (*pfnConstruct)(PPDMDEVINS pDevIns, int iInstance, PCFGMNODE pCfg); } DEVREG;

int mmInit(PVM pVM, MMSTATE *pMm)
{
    uint64_t cbRam;
    int rc = CFGMR3QueryU64(CFGMR3GetRoot(pVM), "RamSize", &cbRam);
    pMm->cbRamBase = cbRam;
    return rc;
}

static int pcnetConstruct(PPDMDEVINS pDevIns, int iInstance, PCFGMNODE pCfg)
{
    PCNETSTATE *pThis = (PCNETSTATE *)pDevIns->pvInstanceData;
    return pDevIns->pHlpR3->pfnCFGMQueryU32Def(pCfg, "LineSpeed", &pThis->u32LinkSpeed, 1000000);
}

const DEVREG g_DevicePCNet = { "pcnet", pcnetConstruct };

// flow here: Console::configConstructor#2 -> cfgm:/RamSize
// flow here: Console::configConstructor#2 -> MMSTATE.cbRamBase
// flow here: Console::configConstructor#3 -> cfgm:/Devices/<device>/<instance>/Config/LineSpeed
// flow here: Console::configConstructor#3 -> PCNETSTATE.u32LinkSpeed
// no flow here: Console::configConstructor#4 -> PCNETSTATE.u32LinkSpeed
// no flow here: Console::configConstructor#4 -> MMSTATE.cbRamBase
// no flow here: Console::configConstructor#2 -> PCNETSTATE.u32LinkSpeed

/* A part of the constructor in a helper that gets the parent node as a parameter: the node is
   the one its caller passes. A helper whose callers pass different nodes names none of them. */
typedef struct VGASTATE { uint32_t cMonitors; } VGASTATE;
typedef struct OTHERSTATE { uint32_t cMonitors; } OTHERSTATE;

class Display
{
public:
    int configAll(PUVM pUVM, PCVMMR3VTABLE pVMM, uint64_t cMonitors, uint64_t cA, uint64_t cB);
    void configGraphics(PCFGMNODE pDevices, uint64_t cMonitors);
    void configShared(PCFGMNODE pParent, uint64_t cValue);
    void InsertConfigInteger(PCFGMNODE pNode, const char *pcszName, uint64_t u64Integer);
    void InsertConfigNode(PCFGMNODE pNode, const char *pcszName, PCFGMNODE *ppChild);
private:
    PCVMMR3VTABLE mpVMM;
};

void Display::InsertConfigInteger(PCFGMNODE pNode, const char *pcszName, uint64_t u64Integer)
{
    mpVMM->pfnCFGMR3InsertInteger(pNode, pcszName, u64Integer);
}

void Display::InsertConfigNode(PCFGMNODE pNode, const char *pcszName, PCFGMNODE *ppChild)
{
    mpVMM->pfnCFGMR3InsertNode(pNode, pcszName, ppChild);
}

void Display::configGraphics(PCFGMNODE pDevices, uint64_t cMonitors)
{
    const char *pcszDevice = "vga";
    PCFGMNODE pDev, pInst, pCfg;
    InsertConfigNode(pDevices, pcszDevice, &pDev);
    InsertConfigNode(pDev, "0", &pInst);
    InsertConfigNode(pInst, "Config", &pCfg);
    InsertConfigInteger(pCfg, "MonitorCount", cMonitors);
}

void Display::configShared(PCFGMNODE pParent, uint64_t cValue)
{
    InsertConfigInteger(pParent, "Shared", cValue);
}

int Display::configAll(PUVM pUVM, PCVMMR3VTABLE pVMM, uint64_t cMonitors, uint64_t cA, uint64_t cB)
{
    PCFGMNODE pRoot = pVMM->pfnCFGMR3GetRootU(pUVM);
    PCFGMNODE pDevices, pA, pB;
    InsertConfigNode(pRoot, "Devices", &pDevices);
    configGraphics(pDevices, cMonitors);
    InsertConfigNode(pRoot, "A", &pA);
    InsertConfigNode(pRoot, "B", &pB);
    configShared(pA, cA);
    configShared(pB, cB);
    return 0;
}

static int vgaConstruct(PPDMDEVINS pDevIns, int iInstance, PCFGMNODE pCfg)
{
    VGASTATE *pThis = (VGASTATE *)pDevIns->pvInstanceData;
    return pDevIns->pHlpR3->pfnCFGMQueryU32Def(pCfg, "MonitorCount", &pThis->cMonitors, 1);
}

const DEVREG g_DeviceVga = { "vga", vgaConstruct };

// flow here: Display::configAll#2 -> cfgm:/Devices/<device>/<instance>/Config/MonitorCount
// flow here: Display::configAll#2 -> VGASTATE.cMonitors
// no flow here: Display::configAll#3 -> VGASTATE.cMonitors
// no flow here: Display::configAll#3 -> cfgm:/A/Shared
// no flow here: Display::configAll#4 -> cfgm:/B/Shared
