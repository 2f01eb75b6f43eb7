/* Sample tree (written for srcscan's tests and tutorial; not VirtualBox code): a tiny disk
   controller. The guest puts a request in its memory; the device reads it and copies. */
#include <VBox/vmm/pdmdev.h>
#include <VBox/vmm/cfgm.h>

typedef struct MINIDISKREQ
{
    uint32_t cbXfer;     /* bytes to transfer, as the guest says */
    uint32_t offBuf;     /* where in the sector buffer, as the guest says */
} MINIDISKREQ;

typedef struct MINIDISK
{
    uint32_t cbSector;   /* sector size, from the configuration */
    RTGCPHYS GCPhysReq;  /* where the guest put its request */
    uint8_t  abSector[512];
    uint8_t  abStaging[512];
} MINIDISK;

static void miniDiskDoRequest(PPDMDEVINS pDevIns, MINIDISK *pThis)
{
    MINIDISKREQ Req;
    PDMDevHlpPhysRead(pDevIns, pThis->GCPhysReq, &Req, sizeof(Req));
    uint32_t cbXfer = Req.cbXfer;
    if (cbXfer > sizeof(pThis->abSector))
        return;
    memcpy(pThis->abSector, pThis->abStaging, cbXfer);
    memcpy(pThis->abStaging, pThis->abSector, Req.offBuf);
}

static int miniDiskConstruct(PPDMDEVINS pDevIns, int iInstance, PCFGMNODE pCfg)
{
    MINIDISK *pThis = (MINIDISK *)pDevIns->pvInstanceDataR3;
    int rc = CFGMR3QueryU32Def(pCfg, "SectorSize", &pThis->cbSector, 512);
    LogRel(("MiniDisk#%d: cbSector=%u\n", iInstance, pThis->cbSector));
    return rc;
}

const PDMDEVREG g_DeviceMiniDisk =
{
    /* .szName = */ "minidisk",
    /* .pfnConstruct = */ miniDiskConstruct,
};
