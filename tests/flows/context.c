/* Calling context: a value entering a helper through one call leaves it only back to that
   call (matched call and return), never at the helper's other callers. */
typedef unsigned long long uint64_t;
uint64_t g_uFirst;
uint64_t g_uSecond;

static uint64_t scale(uint64_t u)
{
    return u * 2;
}

void firstCaller(uint64_t uA)
{
    g_uFirst = scale(uA);
}

void secondCaller(uint64_t uB)
{
    g_uSecond = scale(uB);
}

// flow here: firstCaller#0 (uA) -> g_uFirst
// flow here: secondCaller#0 (uB) -> g_uSecond
// no flow here: firstCaller#0 (uA) -> g_uSecond
// flow here: scale#0 (u) -> g_uSecond

/* A helper that writes back through its pointer parameter: the value goes back to the
   caller that passed it, not to other callers' variables. */
static void twice(uint64_t *pu, uint64_t u)
{
    *pu = u + u;
}

void thirdCaller(uint64_t uC)
{
    uint64_t uR = 0;
    twice(&uR, uC);
    g_uFirst = uR;
}

void fourthCaller(uint64_t uD)
{
    uint64_t uS = 0;
    twice(&uS, uD);
    g_uSecond = uS;
}

// flow here: thirdCaller#0 (uC) -> thirdCaller:uR
// no flow here: thirdCaller#0 (uC) -> fourthCaller:uS

/* Upstream, the mirror image: what reached a caller's variable came from that caller. */
// flow here: g_uFirst <- firstCaller#0 (uA)
// no flow here: g_uFirst <- secondCaller#0 (uB)
// flow here: thirdCaller:uR <- thirdCaller#0 (uC)
// no flow here: thirdCaller:uR <- fourthCaller#0 (uD)
