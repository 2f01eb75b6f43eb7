/* Precision: flow-sensitive locals (a local overwritten between two uses is two values),
   per-object structs (a store into one timer reaches loads from another only as a short
   may-alias guess), copies of one struct inside another kept apart, control dependence that
   does not spread into pointers (locks, cursors). */
typedef unsigned long long uint64_t;
typedef struct CRITSECT { int iLock; } CRITSECT;
typedef CRITSECT *PCRITSECT;

uint64_t g_uFirst, g_uSecond, g_uLoop, g_uAfter;
PCRITSECT g_pLock;

void twoValues(uint64_t uA, uint64_t uB)
{
    uint64_t uHz = uA;
    g_uFirst = uHz;
    uHz = uB;
    g_uSecond = uHz;
}

// flow here: twoValues#0 (uA) -> g_uFirst
// no flow here: twoValues#0 (uA) -> g_uSecond
// flow here: twoValues#1 (uB) -> g_uSecond
// no flow here: twoValues#1 (uB) -> g_uFirst

void branchOrNot(uint64_t uA, uint64_t uB, int fUse)
{
    uint64_t u = uA;
    if (fUse)
        u = uB;
    g_uAfter = u;
}

// flow here: branchOrNot#0 (uA) -> g_uAfter
// flow here: branchOrNot#1 (uB) -> g_uAfter

void previousRound(uint64_t uA, uint64_t uB, int cRounds)
{
    uint64_t u = uA;
    uint64_t uPrev = 0;
    while (cRounds-- > 0)
    {
        uPrev = u;
        u = uB;
    }
    g_uLoop = uPrev;
}

// flow here: previousRound#0 (uA) -> g_uLoop
// flow here: previousRound#1 (uB) -> g_uLoop

typedef struct TIMER { struct TIMER *pNext; uint64_t u64Expire; } TIMER;
typedef struct CONFIG { uint64_t uHz; } CONFIG;

void timerSet(TIMER *pTimer, uint64_t u)
{
    pTimer->u64Expire = u;
}

uint64_t timerRun(TIMER *pOther)
{
    uint64_t a = pOther->u64Expire;
    uint64_t b = a + 1;
    uint64_t c = b * 2;
    uint64_t d = c - 1;
    uint64_t e = d;
    return e;
}

void configSet(CONFIG *pCfg, uint64_t u)
{
    pCfg->uHz = u;
}

uint64_t configRun(CONFIG *pCfg)
{
    uint64_t a = pCfg->uHz;
    uint64_t b = a + 1;
    uint64_t c = b * 2;
    uint64_t d = c - 1;
    uint64_t e = d;
    return e;
}

// flow here: timerSet#1 (u) -> TIMER.u64Expire
// flow here: timerSet#1 (u) -> timerRun:c
// no flow here: timerSet#1 (u) -> timerRun:e
// flow here: configSet#1 (u) -> configRun:e

typedef struct SIZES { uint64_t cPages; uint64_t cShadow; } SIZES;
typedef struct STATS { SIZES Reserved; SIZES Allocated; } STATS;
typedef struct GVMX { STATS Stats; } GVMX;

void reserve(GVMX *pGVM, uint64_t cPages)
{
    pGVM->Stats.Reserved.cPages = cPages;
}

uint64_t allocatedPages(GVMX *pGVM)
{
    return pGVM->Stats.Allocated.cPages;
}

uint64_t reservedPages(GVMX *pGVM)
{
    return pGVM->Stats.Reserved.cPages;
}

// flow here: reserve#1 (cPages) -> reservedPages()
// no flow here: reserve#1 (cPages) -> allocatedPages()

void lockPlumbing(uint64_t uHz, PCRITSECT pCritSect)
{
    PCRITSECT pLock = 0;
    uint64_t uScaled = 0;
    if (uHz > 1000)
    {
        pLock = pCritSect;
        uScaled = 1;
    }
    g_pLock = pLock;
    g_uFirst = uScaled;
}

// flow here: lockPlumbing#0 (uHz) -> lockPlumbing:uScaled
// no flow here: lockPlumbing#0 (uHz) -> lockPlumbing:pLock

/* A clamp: the value set to a constant written in the code is a source of its own. */
typedef struct TMX { uint64_t cTicksPerSecond; uint64_t fFlag; } TMX;

void clampHz(TMX *pTm, uint64_t uMeasured)
{
    pTm->cTicksPerSecond = uMeasured;
    if (pTm->cTicksPerSecond >= 4294967296ULL)
        pTm->cTicksPerSecond = 4294967296ULL - 1;
    pTm->fFlag = 0;
}

// flow here: const:4294967296ULL - 1 -> TMX.cTicksPerSecond
// no flow here: const:4294967296ULL - 1 -> TMX.fFlag

/* A global array of structs: each element is an object of its own. */
typedef struct SLOT { uint64_t uVal; } SLOT;
SLOT g_aSlots[4];

void slotSet(int i, uint64_t u)
{
    g_aSlots[i].uVal = u;
}

uint64_t slotGet(int j)
{
    uint64_t a = g_aSlots[j].uVal;
    uint64_t b = a + 1;
    uint64_t c = b + 1;
    uint64_t d = c + 1;
    uint64_t e = d;
    return e;
}

// flow here: slotSet#1 (u) -> slotGet:b
// no flow here: slotSet#1 (u) -> slotGet:e

/* A struct held by value inside one of many objects is one of many too. */
typedef struct REGVALX { uint64_t Reg64; } REGVALX;
typedef struct ASSOCX { int iName; REGVALX Value; } ASSOCX;
typedef struct INPUTX { ASSOCX aElements[8]; } INPUTX;

void regPut(INPUTX *pIn, uint64_t u)
{
    pIn->aElements[0].Value.Reg64 = u;
}

uint64_t regGet(ASSOCX *pAssoc)
{
    uint64_t a = pAssoc->Value.Reg64;
    uint64_t b = a + 1;
    uint64_t c = b + 1;
    uint64_t d = c + 1;
    uint64_t e = d;
    return e;
}

// flow here: regPut#1 (u) -> regGet:b
// no flow here: regPut#1 (u) -> regGet:e
