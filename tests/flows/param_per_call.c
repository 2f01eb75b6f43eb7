/* A parameter object is filled anew for each call (docs/objects.md, graph/pversions.py): a
   value written into what a pointer parameter points to reaches only the reads that may run
   after the write within the same call - not a read in another case of the same switch, not
   an earlier read - while the write itself still goes back to the caller. */
typedef unsigned int uint32_t;
typedef struct PDMDEVINS PDMDEVINS;
typedef unsigned long long RTGCPHYS;
typedef struct CPARM { uint32_t type; uint32_t u32; uint32_t cb; } CPARM;
int PDMDevHlpPhysRead(PDMDEVINS *pDevIns, RTGCPHYS GCPhys, void *pvBuf, uint32_t cbRead);
int PDMDevHlpPhysWrite(PDMDEVINS *pDevIns, RTGCPHYS GCPhys, const void *pvBuf, uint32_t cbWrite);
void *heapAlloc(uint32_t cb);

uint32_t g_uTaken, g_uBack, g_uEarly, g_uDirect, g_uAsked, g_uLooped, g_uElse, g_uGuestTaken, g_cbFileData;

static uint32_t hostReadFile(uint32_t cbWanted)
{
    return g_cbFileData;
}

/* 1. handlers called from exclusive cases of one switch: the answer one writes back is not
      the other's input (the caller's object is a parameter of the dispatcher) */
static void hostAnswer(CPARM *paParms, uint32_t cbAnswer)
{
    paParms[2].u32 = cbAnswer;
}

static void hostTake(CPARM *paParms)
{
    g_uTaken = paParms[2].u32;
}

static int callDispatch(uint32_t uFn, CPARM *paParms, uint32_t cbHost)
{
    switch (uFn)
    {
        case 1:
            hostAnswer(paParms, cbHost);
            break;
        case 2:
            hostTake(paParms);
            break;
        default:
            break;
    }
    return 0;
}

int callFromHost(uint32_t uFn, CPARM *paHost, uint32_t cbHostIn)
{
    return callDispatch(uFn, paHost, cbHostIn);
}

int hostRoot(uint32_t uFn, uint32_t uRootIn)
{
    CPARM aHost[3];
    aHost[2].u32 = uRootIn;
    return callFromHost(uFn, aHost, 0);
}

int localRoot(uint32_t uFn, uint32_t cbLocal)
{
    CPARM aLoc[3];
    return callDispatch(uFn, aLoc, cbLocal);
}

// flow here: hostRoot#1 (uRootIn) -> g_uTaken
// flow here: localRoot#1 (cbLocal) -> local:param_per_call.c:localRoot:aLoc[].u32@c1
// no flow here: localRoot#1 (cbLocal) -> g_uTaken
// flow here: callFromHost#2 (cbHostIn) -> CPARM.u32 (*paHost of callFromHost)
// flow here: callFromHost#2 (cbHostIn) -> CPARM.u32
// no flow here: callFromHost#2 (cbHostIn) -> g_uTaken
// no flow here: g_uTaken <- callFromHost#2 (cbHostIn)
// edge kind: param:param_per_call.c:hostAnswer#0*.u32@1 -> param:param_per_call.c:callDispatch#1*.u32@1 : out

/* 2. one function's own cases: a store in one case, a read in another */
static int svcCall(uint32_t uFn, CPARM *paParms)
{
    switch (uFn)
    {
        case 1:
        {
            uint32_t cbRead = hostReadFile(paParms[1].cb);
            paParms[1].u32 = cbRead;
            break;
        }
        case 2:
            g_uDirect = paParms[1].u32;
            break;
    }
    return 0;
}

/* 3. the handler's own write-back after it fetched its input: the read before the store
      takes what the caller passed, never the answer */
static int svcRead(CPARM *paParms)
{
    uint32_t cbAsked = paParms[0].u32;
    g_uAsked = cbAsked;
    paParms[0].u32 = hostReadFile(cbAsked);
    return 0;
}

/* 4. a loop around the switch: the previous round's store reaches a later round's read */
static int svcLoop(uint32_t cRounds, CPARM *paParms)
{
    for (uint32_t i = 0; i < cRounds; i++)
    {
        if (i == 0)
            g_uLooped = paParms[0].cb;
        else
            paParms[0].cb = hostReadFile(i);
    }
    return 0;
}

/* 5. the other arm of an if: a store in the if, a read in the else; and a read after both */
static int svcElse(uint32_t f, CPARM *paParms)
{
    if (f)
        paParms[2].cb = hostReadFile(f);
    else
        g_uElse = paParms[2].cb;
    g_uBack = paParms[2].cb;
    return 0;
}

int svcRoot2(uint32_t uFn, uint32_t uIn2, uint32_t cbIn2)
{
    CPARM aIn[2];
    aIn[1].u32 = uIn2;
    aIn[1].cb = cbIn2;
    return svcCall(uFn, aIn);
}

int svcRoot3(uint32_t uIn3)
{
    CPARM aIn[1];
    aIn[0].u32 = uIn3;
    return svcRead(aIn);
}

int svcRoot4(uint32_t uFn, uint32_t cbIn4)
{
    CPARM aIn[1];
    aIn[0].cb = cbIn4;
    return svcLoop(uFn, aIn);
}

int svcRoot5(uint32_t uFn, uint32_t cbIn5)
{
    CPARM aIn[3];
    aIn[2].cb = cbIn5;
    return svcElse(uFn, aIn);
}

// flow here: svcRoot2#1 (uIn2) -> g_uDirect
// no flow here: g_uDirect <- hostReadFile()
// flow here: hostReadFile() -> CPARM.u32 (*paParms of svcCall)
// flow here: svcRoot3#0 (uIn3) -> g_uAsked
// no flow here: g_uAsked <- hostReadFile()
// flow here: hostReadFile() -> CPARM.u32 (*paParms of svcRead)
// flow here: svcRoot4#1 (cbIn4) -> g_uLooped
// flow here: g_uLooped <- hostReadFile()
// flow here: svcRoot5#1 (cbIn5) -> g_uElse
// no flow here: g_uElse <- hostReadFile()
// flow here: g_uBack <- hostReadFile()
// flow here: g_uBack <- svcRoot5#1 (cbIn5)

/* 6. a request the guest hands over, read into a buffer, dispatched by type: the answer one
      handler writes back goes to the guest, and is not another request's input */
static int reqGetStatus(CPARM *pReq, uint32_t uStatus)
{
    pReq->u32 = uStatus;
    return 0;
}

static int reqSetStatus(CPARM *pReq)
{
    g_uGuestTaken = pReq->u32;
    return 0;
}

static int reqDispatch(CPARM *pReq, uint32_t uStatus)
{
    if (pReq->type == 1)
        return reqGetStatus(pReq, uStatus);
    else
        return reqSetStatus(pReq);
}

int reqFromGuest(PDMDEVINS *pDevIns, RTGCPHYS GCPhys, uint32_t uHostStatus)
{
    CPARM *pBuf = (CPARM *)heapAlloc(sizeof(CPARM));
    PDMDevHlpPhysRead(pDevIns, GCPhys, pBuf, sizeof(CPARM));
    reqDispatch(pBuf, uHostStatus);
    return PDMDevHlpPhysWrite(pDevIns, GCPhys, pBuf, sizeof(CPARM));
}

// flow here: source:guest-memory:PDMDevHlpPhysRead -> g_uGuestTaken
// flow here: reqFromGuest#2 (uHostStatus) -> reqFromGuest:pBuf
// no flow here: reqFromGuest#2 (uHostStatus) -> g_uGuestTaken

/* 7. a case's answer written through an out pointer into the call's own parameter (&paParms[i].x
      handed to a function writing *pu32) is not another case's input either */
static int queryVersion(uint32_t *pu32Version)
{
    *pu32Version = g_cbFileData;
    return 0;
}

uint32_t g_uCountIn;

static int svcOut(uint32_t uFn, CPARM *paParms)
{
    switch (uFn)
    {
        case 1:
            queryVersion(&paParms[1].u32);
            break;
        case 2:
            g_uCountIn = paParms[1].u32;
            break;
    }
    return 0;
}

int svcRoot7(uint32_t uFn, uint32_t uIn7)
{
    CPARM aIn[2];
    aIn[1].u32 = uIn7;
    return svcOut(uFn, aIn);
}

// flow here: svcRoot7#1 (uIn7) -> g_uCountIn
// no flow here: g_uCountIn <- g_cbFileData
// flow here: g_cbFileData -> CPARM.u32 (*paParms of svcOut)

/* 8. a store that always runs before the read replaces what the caller handed in */
uint32_t g_uKilled;

static int svcKill(CPARM *paParms)
{
    paParms[0].cb = g_cbFileData;
    g_uKilled = paParms[0].cb;
    return 0;
}

int svcRoot8(uint32_t uIn8)
{
    CPARM aIn[1];
    aIn[0].cb = uIn8;
    return svcKill(aIn);
}

// flow here: g_uKilled <- g_cbFileData
// no flow here: svcRoot8#0 (uIn8) -> g_uKilled
