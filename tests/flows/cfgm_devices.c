/* Two devices read a configuration key of the same name (IRQ) under their own node. The
   frontend inserts each device's value under that device's node, named by a string; each
   device's registration table names the device (szName). A key under one device's node is
   not the other device's key: srcscan still names both keys /Devices/<device>/<instance>/Config/IRQ
   (the known extras below: the parallel port's IRQ reaches the serial port, issue 27's v70_13).
   A frontend that does not tell which device it configures (the node's name comes from a
   variable) must still reach every device that reads the key. */
typedef unsigned long long uint64_t;
typedef unsigned int uint32_t;
typedef struct CFGMNODE *PCFGMNODE;
typedef struct VM *PVM;

PCFGMNODE CFGMR3GetRoot(PVM pVM);
int CFGMR3InsertNode(PCFGMNODE pNode, const char *pszName, PCFGMNODE *ppChild);
int CFGMR3InsertInteger(PCFGMNODE pNode, const char *pszName, uint64_t u64);

typedef struct PDMDEVHLPR3
{
    int (*pfnCFGMQueryU32Def)(PCFGMNODE pNode, const char *pszName, uint32_t *pu32, uint32_t u32Def);
} PDMDEVHLPR3;
typedef struct PDMDEVINS { const PDMDEVHLPR3 *pHlpR3; void *pvInstanceData; } PDMDEVINS, *PPDMDEVINS;
typedef struct DEVREG
{
    uint32_t u32Version;
    const char *szName;
    int (*pfnConstruct)(PPDMDEVINS pDevIns, int iInstance, PCFGMNODE pCfg);
} DEVREG;
typedef struct UARTSTATE { uint32_t uIrq; } UARTSTATE;
typedef struct LPTSTATE { uint32_t uIrq; } LPTSTATE;

static void configDevice(PCFGMNODE pDevices, const char *pszName, uint64_t uIrq)
{
    PCFGMNODE pDev, pInst, pCfg;
    CFGMR3InsertNode(pDevices, pszName, &pDev);
    CFGMR3InsertNode(pDev, "0", &pInst);
    CFGMR3InsertNode(pInst, "Config", &pCfg);
    CFGMR3InsertInteger(pCfg, "IRQ", uIrq);
}

int configSerialAndParallel(PVM pVM, uint64_t uSerialIrq, uint64_t uParallelIrq)
{
    PCFGMNODE pDevices, pDev, pInst, pCfg;
    CFGMR3InsertNode(CFGMR3GetRoot(pVM), "Devices", &pDevices);

    CFGMR3InsertNode(pDevices, "serial", &pDev);
    CFGMR3InsertNode(pDev, "0", &pInst);
    CFGMR3InsertNode(pInst, "Config", &pCfg);
    CFGMR3InsertInteger(pCfg, "IRQ", uSerialIrq);

    CFGMR3InsertNode(pDevices, "parallel", &pDev);
    CFGMR3InsertNode(pDev, "0", &pInst);
    CFGMR3InsertNode(pInst, "Config", &pCfg);
    CFGMR3InsertInteger(pCfg, "IRQ", uParallelIrq);
    return 0;
}

int configSomeDevice(PVM pVM, uint64_t uIrq)
{
    PCFGMNODE pDevices;
    CFGMR3InsertNode(CFGMR3GetRoot(pVM), "Devices", &pDevices);
    configDevice(pDevices, "serial", uIrq);
    configDevice(pDevices, "parallel", uIrq + 1);
    return 0;
}

static int serialConstruct(PPDMDEVINS pDevIns, int iInstance, PCFGMNODE pCfg)
{
    UARTSTATE *pThis = (UARTSTATE *)pDevIns->pvInstanceData;
    return pDevIns->pHlpR3->pfnCFGMQueryU32Def(pCfg, "IRQ", &pThis->uIrq, 4);
}

static int parallelConstruct(PPDMDEVINS pDevIns, int iInstance, PCFGMNODE pCfg)
{
    LPTSTATE *pThis = (LPTSTATE *)pDevIns->pvInstanceData;
    return pDevIns->pHlpR3->pfnCFGMQueryU32Def(pCfg, "IRQ", &pThis->uIrq, 7);
}

const DEVREG g_DeviceSerial = { 1, "serial", serialConstruct };
const DEVREG g_DeviceParallel = { 1, "parallel", parallelConstruct };

// flow here: configSerialAndParallel#1 -> UARTSTATE.uIrq
// flow here: configSerialAndParallel#2 -> LPTSTATE.uIrq
// known extra: configSerialAndParallel#2 -> UARTSTATE.uIrq (a key under one device's node joins every device's reader of that key)
// known extra: configSerialAndParallel#1 -> LPTSTATE.uIrq (the same, the other way)
// flow here: configSomeDevice#1 -> UARTSTATE.uIrq
// flow here: configSomeDevice#1 -> LPTSTATE.uIrq
// flow here: configSomeDevice#1 -> cfgm:/Devices/<device>/<instance>/Config/IRQ
