/* A call that writes through &x defines a new version of x, like an assignment: one temporary
   read twice in a row carries each value to its own field only. */
typedef unsigned long long uint64_t;
typedef struct REQ { uint64_t u64A; uint64_t u64B; } REQ;
typedef struct STATE { uint64_t u64A; uint64_t u64B; uint64_t u64Kept; uint64_t u64Mixed; uint64_t u64Port;
                       uint64_t u64Irq; } STATE;

void stateCopy(STATE *pThis, const REQ *pReq)
{
    uint64_t u64;
    memcpy(&u64, &pReq->u64A, sizeof(u64));
    pThis->u64A = u64;
    memcpy(&u64, &pReq->u64B, sizeof(u64));
    pThis->u64B = u64;
}

int stateConfig(STATE *pThis, PCFGMNODE pCfg)
{
    uint64_t u64Value;
    int rc = CFGMR3QueryU64(pCfg, "Port", &u64Value);
    pThis->u64Port = u64Value;
    rc = CFGMR3QueryU64(pCfg, "Irq", &u64Value);
    pThis->u64Irq = u64Value;
    return rc;
}

/* A function of the tree that may or may not write: the old value is still there after it. */
void maybeSet(uint64_t *pu64, uint64_t u64New, int fSet)
{
    if (fSet)
        *pu64 = u64New;
}

void stateKeep(STATE *pThis, const REQ *pReq, uint64_t u64New, int fSet)
{
    uint64_t u64Tmp = pReq->u64A;
    maybeSet(&u64Tmp, u64New, fSet);
    pThis->u64Kept = u64Tmp;
}

/* Both in one function: the copy defines u64Mix, maybeSet may redefine it, the copy's value
   still reaches the store after it; the next copy replaces both. */
void stateMixed(STATE *pThis, const REQ *pReq, uint64_t u64New, int fSet)
{
    uint64_t u64Mix;
    memcpy(&u64Mix, &pReq->u64B, sizeof(u64Mix));
    maybeSet(&u64Mix, u64New, fSet);
    pThis->u64Mixed = u64Mix;
    memcpy(&u64Mix, &pReq->u64A, sizeof(u64Mix));
    pThis->u64A = u64Mix;
}

// flow here: REQ.u64A -> STATE.u64A
// flow here: REQ.u64B -> STATE.u64B
// no flow here: REQ.u64A -> STATE.u64B
// no flow here: REQ.u64B -> STATE.u64A
// flow here: cfgm:/?/Port -> STATE.u64Port
// flow here: cfgm:/?/Irq -> STATE.u64Irq
// no flow here: cfgm:/?/Port -> STATE.u64Irq
// flow here: REQ.u64A -> STATE.u64Kept
// flow here: stateKeep#2 -> STATE.u64Kept
// flow here: REQ.u64B -> STATE.u64Mixed
// flow here: stateMixed#2 -> STATE.u64Mixed
// no flow here: stateMixed#2 -> STATE.u64A
