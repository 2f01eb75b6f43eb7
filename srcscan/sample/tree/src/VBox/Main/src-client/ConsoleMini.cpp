/* Sample tree (written for srcscan's tests and tutorial; not VirtualBox code): the console
   builds the VM's configuration tree from the machine's settings. */
#include <VBox/vmm/cfgm.h>
typedef unsigned int ULONG;

class IMachineMini;

static void InsertConfigNode(PCFGMNODE pNode, const char *pcszName, PCFGMNODE *ppChild)
{
    int vrc = CFGMR3InsertNode(pNode, pcszName, ppChild);
    (void)vrc;
}

static void InsertConfigInteger(PCFGMNODE pNode, const char *pcszName, uint64_t u64Integer)
{
    int vrc = CFGMR3InsertInteger(pNode, pcszName, u64Integer);
    (void)vrc;
}

int consoleConfigMiniDisk(PUVM pUVM, IMachineMini *pMachine)
{
    ULONG cbSector = 0;
    pMachine->COMGETTER(SectorSize)(&cbSector);
    PCFGMNODE pRoot = CFGMR3GetRootU(pUVM);
    PCFGMNODE pDevices, pDev, pInst, pCfg;
    InsertConfigNode(pRoot, "Devices", &pDevices);
    InsertConfigNode(pDevices, "minidisk", &pDev);
    InsertConfigNode(pDev, "0", &pInst);
    InsertConfigNode(pInst, "Config", &pCfg);
    InsertConfigInteger(pCfg, "SectorSize", cbSector);
    return 0;
}
