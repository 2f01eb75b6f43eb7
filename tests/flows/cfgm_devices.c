/* Two devices read a configuration key of the same name (IRQ) under their own node. The
   frontend inserts each device's value under that device's node, named by a string; each
   device's registration table names the device (szName), and the reader's key is that
   device's: /Devices/serial/<instance>/Config/IRQ (issue 27's v70_13: the parallel port's IRQ
   was listed as the serial port's). A node named by something the engine resolves to strings
   (a parameter its callers give strings, a #define, a local set from a function returning
   device names) joins those devices' nodes; a node named by something it cannot resolve (an
   element of a table filled at run time) is no named device's key. */
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

#define MY_LPT_NAME "parallel"

/* (either name: the engine does not tell which branch a call takes) */
static const char *portName(int fSerial)
{
    if (fSerial)
        return "serial";
    return "parallel";
}

const char *g_apszNames[2];

int configByName(PVM pVM, uint64_t uDefIrq, uint64_t uFnIrq, uint64_t uUnknownIrq, int iPort)
{
    PCFGMNODE pDevices, pDev, pInst, pCfg;
    const char *pszPort = portName(1);
    CFGMR3InsertNode(CFGMR3GetRoot(pVM), "Devices", &pDevices);

    CFGMR3InsertNode(pDevices, MY_LPT_NAME, &pDev);
    CFGMR3InsertNode(pDev, "0", &pInst);
    CFGMR3InsertNode(pInst, "Config", &pCfg);
    CFGMR3InsertInteger(pCfg, "IRQ", uDefIrq);

    CFGMR3InsertNode(pDevices, pszPort, &pDev);
    CFGMR3InsertNode(pDev, "1", &pInst);
    CFGMR3InsertNode(pInst, "Config", &pCfg);
    CFGMR3InsertInteger(pCfg, "IRQ", uFnIrq);

    CFGMR3InsertNode(pDevices, g_apszNames[iPort], &pDev);
    CFGMR3InsertNode(pDev, "2", &pInst);
    CFGMR3InsertNode(pInst, "Config", &pCfg);
    CFGMR3InsertInteger(pCfg, "IRQ", uUnknownIrq);
    return 0;
}

/* (the adapter's node is chosen in a switch: each case's device) */
int configBySwitch(PVM pVM, int enmType, uint64_t uIrq)
{
    PCFGMNODE pDevices, pDevSer, pDevPar, pDev, pInst, pCfg;
    CFGMR3InsertNode(CFGMR3GetRoot(pVM), "Devices", &pDevices);
    CFGMR3InsertNode(pDevices, "serial", &pDevSer);
    CFGMR3InsertNode(pDevices, "parallel", &pDevPar);
    switch (enmType)
    {
        case 1:
            pDev = pDevSer;
            break;
        default:
            pDev = pDevPar;
            break;
    }
    CFGMR3InsertNode(pDev, "0", &pInst);
    CFGMR3InsertNode(pInst, "Config", &pCfg);
    CFGMR3InsertInteger(pCfg, "IRQ", uIrq);
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
// no flow here: configSerialAndParallel#2 -> UARTSTATE.uIrq
// no flow here: configSerialAndParallel#1 -> LPTSTATE.uIrq
// no flow here: UARTSTATE.uIrq <- configSerialAndParallel#2
// flow here: configSerialAndParallel#1 -> cfgm:/Devices/serial/<instance>/Config/IRQ
// flow here: configSomeDevice#1 -> UARTSTATE.uIrq
// flow here: configSomeDevice#1 -> LPTSTATE.uIrq
// flow here: configSomeDevice#1 -> cfgm:/Devices/<parallel|serial>/<instance>/Config/IRQ
// flow here: configByName#1 -> LPTSTATE.uIrq
// no flow here: configByName#1 -> UARTSTATE.uIrq
// flow here: configByName#2 -> UARTSTATE.uIrq
// flow here: configByName#2 -> LPTSTATE.uIrq
// flow here: configByName#2 -> cfgm:/Devices/<parallel|serial>/<instance>/Config/IRQ
// no flow here: configByName#3 -> UARTSTATE.uIrq
// no flow here: configByName#3 -> LPTSTATE.uIrq
// flow here: configByName#3 -> cfgm:/Devices/<device>/<instance>/Config/IRQ
// flow here: configBySwitch#2 -> UARTSTATE.uIrq
// flow here: configBySwitch#2 -> LPTSTATE.uIrq
