/* Sample tree (written for srcscan's tests and tutorial; not VirtualBox code): the device
   helper table and the inline helpers a device calls. */
#ifndef SAMPLE_PDMDEV_H
#define SAMPLE_PDMDEV_H
#include <VBox/types.h>

typedef struct PDMDEVHLPR3
{
    int (*pfnPhysRead)(struct PDMDEVINS *pDevIns, RTGCPHYS GCPhys, void *pvBuf, size_t cbRead, uint32_t fFlags);
} PDMDEVHLPR3;

typedef struct PDMDEVINS
{
    const PDMDEVHLPR3 *pHlpR3;
    void *pvInstanceDataR3;
} PDMDEVINS;
typedef PDMDEVINS *PPDMDEVINS;

typedef struct PDMDEVREG
{
    const char *szName;
    int (*pfnConstruct)(PPDMDEVINS pDevIns, int iInstance, PCFGMNODE pCfg);
} PDMDEVREG;

/* Reads guest physical memory into a buffer of the device. */
static inline int PDMDevHlpPhysRead(PPDMDEVINS pDevIns, RTGCPHYS GCPhys, void *pvBuf, size_t cbRead)
{
    return pDevIns->pHlpR3->pfnPhysRead(pDevIns, GCPhys, pvBuf, cbRead, 0);
}

#endif
