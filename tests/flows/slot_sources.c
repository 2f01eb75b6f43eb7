/* A function stored into a slot of a callback table is called from outside the tree with
   data the guest controls: an HGCM service's call handler gets the guest's function number,
   parameter count and parameter array (queries/models/hgcm.toml: slot pfnCall, parameters
   4, 5, 6). Whatever it reads from them comes from the source, at the store into the slot;
   the host-call handler (another slot) and the handler's other parameters do not. */
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
typedef struct PARM { uint32_t type; union { uint32_t uint32; uint64_t uint64; } u; } PARM;
typedef struct TABLE {
    void (*pfnCall)(void *pvService, void *hCall, uint32_t idClient, void *pvClient, uint32_t u32Function,
                    uint32_t cParms, PARM paParms[]);
    int (*pfnHostCall)(void *pvService, uint32_t u32Function, uint32_t cParms, PARM paParms[]);
} TABLE;
typedef struct SVCSTATE { uint32_t cbLastRead; uint32_t idLastClient; uint32_t uLastFn; uint64_t offHost;
                          uint32_t cHostParms; uint32_t uHostVal; } SVCSTATE;
static SVCSTATE g_State;

static void svcCall(void *pvService, void *hCall, uint32_t idClient, void *pvClient, uint32_t u32Function,
                    uint32_t cParms, PARM paParms[])
{
    uint32_t cbRead = paParms[3].u.uint32;
    g_State.cbLastRead = cbRead;
    g_State.idLastClient = idClient;
    g_State.uLastFn = u32Function;
}

static int svcHostCall(void *pvService, uint32_t u32Function, uint32_t cParms, PARM paParms[])
{
    g_State.offHost = paParms[0].u.uint64;
    g_State.cHostParms = cParms;
    g_State.uHostVal = paParms[1].u.uint32;
    return 0;
}

int svcLoad(TABLE *ptable)
{
    ptable->pfnCall = svcCall;  // @store
    ptable->pfnHostCall = svcHostCall;
    return 0;
}

// flow here: guest-request:pfnCall -> SVCSTATE.cbLastRead
// flow here: SVCSTATE.cbLastRead <- guest-request:pfnCall
// evidence: guest-request:pfnCall -> svcCall:u32Function : store
// flow here: guest-request:pfnCall -> SVCSTATE.uLastFn
// no flow here: guest-request:pfnCall -> SVCSTATE.idLastClient
// no flow here: guest-request:pfnCall -> SVCSTATE.cHostParms
// no flow here: guest-request:pfnCall -> SVCSTATE.offHost
// no flow here: guest-request:pfnCall -> SVCSTATE.uHostVal (each handler reads its own parameter object: docs/objects.md)
