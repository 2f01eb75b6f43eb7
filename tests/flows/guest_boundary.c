/* The guest boundary of a device: what it reads from guest memory (DMA through the device
   helpers) and what the guest writes to its I/O ports and MMIO ranges (the value parameter of
   the write handlers it registers) are sources of their own. */
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
typedef unsigned long size_t;
typedef struct DEVST { uint32_t uCmd; uint32_t abBuf[16]; uint32_t uLastWrite; uint32_t uMmio; uint64_t GCPhysBase;
                       uint32_t uRead; } DEVST;

static inline int PDMDevHlpPCIPhysRead(PPDMDEVINS pDevIns, RTGCPHYS GCPhys, void *pvBuf, size_t cbRead)
{
    return pDevIns->pHlpR3->pfnPCIPhysRead(pDevIns, NULL, GCPhys, pvBuf, cbRead, 0);
}

void devDma(PPDMDEVINS pDevIns, DEVST *pThis)
{
    uint32_t uCmd;
    PDMDevHlpPCIPhysRead(pDevIns, pThis->GCPhysBase, &uCmd, sizeof(uCmd));
    pThis->uCmd = uCmd;
    PDMDevHlpPCIPhysRead(pDevIns, pThis->GCPhysBase + 4, pThis->abBuf, sizeof(pThis->abBuf));
}

static VBOXSTRICTRC devIoPortWrite(PPDMDEVINS pDevIns, void *pvUser, RTIOPORT offPort, uint32_t u32, unsigned cb)
{
    DEVST *pThis = (DEVST *)pvUser;
    pThis->uLastWrite = u32;
    return 0;
}

static VBOXSTRICTRC devIoPortRead(PPDMDEVINS pDevIns, void *pvUser, RTIOPORT offPort, uint32_t *pu32, unsigned cb)
{
    DEVST *pThis = (DEVST *)pvUser;
    pThis->uRead = offPort;
    *pu32 = pThis->uLastWrite;
    return 0;
}

static VBOXSTRICTRC devMmioWrite(PPDMDEVINS pDevIns, void *pvUser, RTGCPHYS off, void const *pv, unsigned cb)
{
    DEVST *pThis = (DEVST *)pvUser;
    pThis->uMmio = *(uint32_t const *)pv;
    return 0;
}

int devConstruct(PPDMDEVINS pDevIns, DEVST *pThis)
{
    IOMIOPORTHANDLE hIoPorts;
    IOMMMIOHANDLE hMmio;
    int rc = PDMDevHlpIoPortCreateAndMap(pDevIns, 0x3f8, 8, devIoPortWrite, devIoPortRead, "dev", NULL, &hIoPorts);
    rc = PDMDevHlpMmioCreateAndMap(pDevIns, 0xfee00000, 0x1000, devMmioWrite, NULL, 0, "dev", &hMmio);
    return rc;
}

// flow here: guest-memory:PDMDevHlpPCIPhysRead -> DEVST.uCmd
// flow here: guest-memory:PDMDevHlpPCIPhysRead -> DEVST.abBuf
// flow here: DEVST.GCPhysBase -> PDMDevHlpPCIPhysRead#1 (GCPhys)
// flow here: guest-write:PDMDevHlpIoPortCreateAndMap -> DEVST.uLastWrite
// flow here: guest-write:PDMDevHlpMmioCreateAndMap -> DEVST.uMmio
// no flow here: guest-write:PDMDevHlpIoPortCreateAndMap -> DEVST.uMmio
// no flow here: guest-write:PDMDevHlpIoPortCreateAndMap -> DEVST.uRead
// no flow here: guest-memory:PDMDevHlpPCIPhysRead -> DEVST.uLastWrite
