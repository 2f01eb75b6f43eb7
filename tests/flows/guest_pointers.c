/* Memory the guest shares with the host (VRAM): the host turns an offset the guest gave into
   a pointer (queries/models/hgsmi.toml: HGSMIOffsetToPointerHost, pointee) and reads command
   fields through it; a channel handler registered with HGSMIHostChannelRegister gets a
   pointer to the guest's buffer. A field read through such a pointer, or through a local
   pointer set to it, is guest-controlled; a field read through a host pointer is not. */
typedef unsigned int uint32_t;
typedef unsigned short uint16_t;
typedef unsigned char uint8_t;
typedef struct INST { uint8_t *pu8Base; uint32_t offBase; } INST;
typedef struct CMDHDR { uint32_t cbCmd; uint32_t u32Flags; } CMDHDR;
typedef struct VIEWINFO { uint32_t u32ViewIndex; uint32_t u32ViewSize; } VIEWINFO;
typedef struct HOSTCFG { uint32_t cbMax; } HOSTCFG;
typedef struct DEVSTATE { uint32_t cbLastCmd; uint32_t fLastFlags; uint32_t iView; uint32_t cbHostMax;
                          uint32_t uChannel; } DEVSTATE;
typedef int (*PFNCHANNELHANDLER)(void *pvHandler, uint16_t u16ChannelInfo, void *pvBuffer, uint32_t cbBuffer);

void *HGSMIOffsetToPointerHost(INST *pIns, uint32_t offBuffer)
{
    return pIns->pu8Base + (offBuffer - pIns->offBase);
}

int HGSMIHostChannelRegister(INST *pIns, uint8_t u8Channel, PFNCHANNELHANDLER pfnHandler, void *pvHandler);

void devProcessCmd(DEVSTATE *pThis, INST *pIns, HOSTCFG *pCfg, uint32_t offCmd)
{
    CMDHDR *pHdr = (CMDHDR *)HGSMIOffsetToPointerHost(pIns, offCmd);  // @map
    pThis->cbLastCmd = pHdr->cbCmd;
    pThis->cbHostMax = pCfg->cbMax;
}

static int devChannelHandler(void *pvHandler, uint16_t u16ChannelInfo, void *pvBuffer, uint32_t cbBuffer)
{
    DEVSTATE *pThis = (DEVSTATE *)pvHandler;
    VIEWINFO *pView = (VIEWINFO *)pvBuffer;
    pThis->iView = pView->u32ViewIndex;
    pThis->uChannel = u16ChannelInfo;
    return 0;
}

int devInit(DEVSTATE *pThis, INST *pIns)
{
    return HGSMIHostChannelRegister(pIns, 2, devChannelHandler, pThis);
}

// flow here: guest-memory:HGSMIOffsetToPointerHost -> DEVSTATE.cbLastCmd
// flow here: DEVSTATE.cbLastCmd <- guest-memory:HGSMIOffsetToPointerHost
// evidence: guest-memory:HGSMIOffsetToPointerHost -> CMDHDR.cbCmd : map
// no flow here: guest-memory:HGSMIOffsetToPointerHost -> DEVSTATE.cbHostMax
// flow here: guest-memory:HGSMIHostChannelRegister -> DEVSTATE.iView
// flow here: DEVSTATE.iView <- guest-memory:HGSMIHostChannelRegister
// no flow here: guest-memory:HGSMIHostChannelRegister -> DEVSTATE.uChannel
// no flow here: guest-memory:HGSMIHostChannelRegister -> DEVSTATE.cbHostMax
