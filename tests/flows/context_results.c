/* Calling context, round 3 (issue 27): a value that entered a helper through one call leaves
   it only back to that call, however the caller uses the helper's result: assigned, passed on
   to another function, or handed to a sink. Every listed path of a trace of these values is
   also walked for such violations (tests/test_context_check.py). */
typedef unsigned long long uint64_t;
uint64_t g_uFirst;
uint64_t g_uSecond;
uint64_t g_uBias;

/* The result is made by a call srcscan cannot see (the value goes through it). */
static uint64_t wrapIt(uint64_t u)
{
    return opaqueMix(u);
}

static uint64_t twiceOf(uint64_t u)
{
    return u + u;
}

void firstUser(uint64_t uA)
{
    g_uFirst = wrapIt(uA);
}

void secondUser(uint64_t uB)
{
    g_uSecond = twiceOf(wrapIt(uB));
}

// flow here: firstUser#0 (uA) -> g_uFirst
// flow here: secondUser#0 (uB) -> g_uSecond
// no flow here: firstUser#0 (uA) -> g_uSecond
// no flow here: secondUser#0 (uB) -> g_uFirst

/* A helper whose result mixes its argument with a global: the global reaches every caller's
   result, its argument only the caller that passed it (the global passed as the argument at
   one call is not listed as reaching the log through another call). */
static uint64_t addBias(uint64_t u)
{
    uint64_t v = u * 3;
    return v + g_uBias;
}

void thirdUser(void)
{
    g_uFirst = addBias(g_uBias);
}

void fourthUser(uint64_t uC)
{
    g_uSecond = addBias(uC);
    LogRel(("biased %llu\n", addBias(uC)));
}

// flow here: g_uBias -> g_uSecond
// flow here: fourthUser#0 (uC) -> g_uSecond
// flow here: fourthUser#0 (uC) -> log:LogRel
// flow here: g_uBias -> log:LogRel
// no flow here: fourthUser#0 (uC) -> g_uFirst
