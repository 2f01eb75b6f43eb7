/* How long a host thread sleeps or waits is a sink of its own (host-wait: RTThreadSleep's
   milliseconds, RTSemEventWait's timeout), so a configured delay is seen going there; the
   event handle waited on is not a duration. */
typedef unsigned int uint32_t;
typedef struct RTSEMEVENTINTERNAL *RTSEMEVENT;
typedef struct CTLSTATE { uint32_t msDelay; uint32_t msTimeout; RTSEMEVENT hEvt; } CTLSTATE;

void ctlConstruct(CTLSTATE *pCtl, uint32_t msDelayCfg, uint32_t msTimeoutCfg)
{
    pCtl->msDelay = msDelayCfg;
    pCtl->msTimeout = msTimeoutCfg;
}

void ctlCommand(CTLSTATE *pCtl)
{
    RTThreadSleep(pCtl->msDelay);
    RTSemEventWait(pCtl->hEvt, pCtl->msTimeout);
}

// flow here: ctlConstruct#1 (msDelayCfg) -> sink:host-wait:RTThreadSleep
// flow here: ctlConstruct#2 (msTimeoutCfg) -> sink:host-wait:RTSemEventWait
// no flow here: ctlConstruct#1 (msDelayCfg) -> sink:host-wait:RTSemEventWait
// no flow here: CTLSTATE.hEvt -> sink:host-wait:RTSemEventWait
