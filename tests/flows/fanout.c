/* Answer-first reports: a value read from a config key with one short chain into guest
   memory, a noisy fan-out through a timer structure (the report folds it), a step through a
   field whose owner cannot be resolved, and a control-only continuation. */
typedef struct GIMX { uint64_t uHz; uint64_t cbRam; } GIMX;
typedef struct SYSTIME { uint32_t u32Scale; uint64_t u64Ram; } SYSTIME;
typedef struct TIMERX { uint64_t u64Expire; uint64_t u64Prev; } TIMERX;
typedef struct QUEUEX { uint64_t u64Expire; } QUEUEX;
typedef struct OTHERA { uint64_t uFreqX; } OTHERA;
typedef struct OTHERB { uint64_t uFreqX; } OTHERB;

void gimxInit(PVM pVM, GIMX *pGim)
{
    PCFGMNODE pRoot = CFGMR3GetRoot(pVM);
    PCFGMNODE pCfg = CFGMR3GetChild(pRoot, "TM");
    CFGMR3QueryU64(pCfg, "TicksPerSecond", &pGim->uHz);
    CFGMR3QueryU64(pRoot, "RamSize", &pGim->cbRam);
}

void gimxPublish(PVM pVM, GIMX *pGim, RTGCPHYS GCPhys)
{
    SYSTIME Time;
    uint64_t uHz = pGim->uHz;
    Time.u32Scale = (uint32_t)(1000000000 / uHz);
    Time.u64Ram = pGim->cbRam;
    PGMPhysSimpleWriteGCPhys(pVM, GCPhys, &Time, sizeof(Time));
}

void timerxSet(TIMERX *pTimer, uint64_t cTicks)
{
    pTimer->u64Expire = cTicks;
}

void gimxArm(GIMX *pGim, TIMERX *pTimer)
{
    uint64_t uTicks = pGim->uHz / 100;
    int cWaiters = 0;
    timerxSet(pTimer, uTicks);
    pOtherUnknown->uFreqX = uTicks;
    if (pGim->uHz > 5)
        cWaiters = 7;
}

void otherRead(void)
{
    uint64_t uSeen = pSomeOther->uFreqX;
    LogRel(("freq %llu\n", uSeen));
}

void timerxRun1(TIMERX *pTimer, QUEUEX *pQueue)
{
    uint64_t u1 = pTimer->u64Expire;
    pQueue->u64Expire = u1;
    Log2(("run1 %llu\n", u1));
}

void timerxRun2(TIMERX *pTimer)
{
    uint64_t u2 = pTimer->u64Expire;
    uint64_t u2b = u2 + 1;
    Log2(("run2 %llu\n", u2b));
}

void timerxRun3(TIMERX *pTimer)
{
    uint64_t u3 = pTimer->u64Expire;
    pTimer->u64Prev = u3;
}

void timerxRun4(QUEUEX *pQueue)
{
    uint64_t u4 = pQueue->u64Expire;
    Log4(("run4 %llu\n", u4));
}

void timerxRun5(TIMERX *pTimer)
{
    uint64_t u5 = pTimer->u64Expire;
    uint64_t u5b = u5 * 2;
    uint64_t u5c = u5b - 1;
    Log(("run5 %llu\n", u5c));
}

// flow here: cfgm:/TM/TicksPerSecond -> GIMX.uHz
// flow here: GIMX.uHz -> SYSTIME.u32Scale
// flow here: GIMX.uHz -> TIMERX.u64Expire
// flow here: GIMX.uHz -> timerxRun5:u5c
// no flow here: GIMX.cbRam -> TIMERX.u64Expire
