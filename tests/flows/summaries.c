/* Function summaries: at each call, the parameters a callee's result (or what it writes back
   through a pointer) depends on become summary edges of that call, because the calling-context
   rule forbids the direct return edge to a trace that entered through an argument. A summary
   that forgets a dependence silently drops a real flow; one that invents a dependence adds a
   false one. Each helper has two callers, so a flow that leaks to the other caller shows. */
typedef unsigned long long uint64_t;
uint64_t g_uSumA, g_uSumB, g_uHelpA, g_uHelpB, g_uExtA, g_uExtB, g_uPp;
uint64_t g_uDefOut, g_uRecA, g_uRecB;

/* transitive through the callee's locals */
static uint64_t viaLocals(uint64_t u)
{
    uint64_t t = u;
    uint64_t w = t + 1;
    return w;
}

void sumCallerA(uint64_t uA)
{
    g_uSumA = viaLocals(uA);
}

void sumCallerB(uint64_t uB)
{
    g_uSumB = viaLocals(uB);
}

// flow here: sumCallerA#0 (uA) -> g_uSumA
// no flow here: sumCallerA#0 (uA) -> g_uSumB
// flow here: g_uSumB <- sumCallerB#0 (uB)
// no flow here: g_uSumB <- sumCallerA#0 (uA)

/* a nested helper writing through &r inside the callee */
static void putInto(uint64_t *pu, uint64_t u)
{
    *pu = u;
}

static uint64_t viaHelper(uint64_t u)
{
    uint64_t r = 0;
    putInto(&r, u);
    return r;
}

void helpCallerA(uint64_t uA)
{
    g_uHelpA = viaHelper(uA);
}

void helpCallerB(uint64_t uB)
{
    g_uHelpB = viaHelper(uB);
}

// flow here: helpCallerA#0 (uA) -> g_uHelpA
// no flow here: helpCallerA#0 (uA) -> g_uHelpB

/* an unknown callee (no body, no model) inside the callee: arguments flow to its result */
uint64_t extMix(uint64_t u);

static uint64_t viaExternal(uint64_t u)
{
    uint64_t y = extMix(u);
    return y;
}

void extCallerA(uint64_t uA)
{
    g_uExtA = viaExternal(uA);
}

void extCallerB(uint64_t uB)
{
    g_uExtB = viaExternal(uB);
}

// flow here: extCallerA#0 (uA) -> g_uExtA
// no flow here: extCallerA#0 (uA) -> g_uExtB

/* an assignment under #if: in the summary only when the configuration keeps it */
static uint64_t pickOld(uint64_t uNew, uint64_t uOld)
{
    uint64_t r = uNew;
#ifdef VBOX_WITH_OLD_PICK
    r = uOld;
#endif
    return r;
}

void ppCaller(uint64_t uA, uint64_t uB)
{
    g_uPp = pickOld(uA, uB);
}

// flow here: ppCaller#1 (uB) -> g_uPp
// flow here [-D VBOX_WITH_OLD_PICK]: ppCaller#1 (uB) -> g_uPp
// no flow here [-U VBOX_WITH_OLD_PICK]: ppCaller#1 (uB) -> g_uPp
// flow here [-U VBOX_WITH_OLD_PICK]: ppCaller#0 (uA) -> g_uPp

/* a return under #if, and a definition under #if / #else */
static uint64_t retPick(uint64_t uA, uint64_t uB)
{
#ifdef VBOX_WITH_RET_A
    return uA;
#else
    return uB;
#endif
}

#ifdef VBOX_WITH_DEF_A
static uint64_t defPick(uint64_t uA, uint64_t uB)
{
    return uA;
}
#else
static uint64_t defPick(uint64_t uA, uint64_t uB)
{
    return uB + 1;
}
#endif

void defCaller(uint64_t uX, uint64_t uY)
{
    g_uDefOut = retPick(uX, uY) + defPick(uX, uY);
}

// flow here: defCaller#0 (uX) -> g_uDefOut
// flow here [-D VBOX_WITH_RET_A -D VBOX_WITH_DEF_A]: defCaller#0 (uX) -> g_uDefOut
// no flow here [-U VBOX_WITH_RET_A -U VBOX_WITH_DEF_A]: defCaller#0 (uX) -> g_uDefOut
// flow here [-U VBOX_WITH_RET_A -U VBOX_WITH_DEF_A]: defCaller#1 (uY) -> g_uDefOut
// no flow here [-D VBOX_WITH_RET_A -U VBOX_WITH_DEF_A]: defCaller#0 (uX) -> defPick()

/* a propagator model inside the callee (RT_MIN: arguments -> result) */
static uint64_t clampTo(uint64_t u, uint64_t uMax)
{
    uint64_t v = RT_MIN(u, uMax);
    return v;
}

uint64_t g_uClampA, g_uClampB;

void clampCallerA(uint64_t uA)
{
    g_uClampA = clampTo(uA, 100);
}

void clampCallerB(uint64_t uB)
{
    g_uClampB = clampTo(uB, 100);
}

// flow here: clampCallerA#0 (uA) -> g_uClampA
// no flow here: clampCallerA#0 (uA) -> g_uClampB

/* a helper of a helper: the inner summary feeds the outer one */
static uint64_t inner2(uint64_t u)
{
    return u * 3;
}

static uint64_t outer2(uint64_t u)
{
    uint64_t v = inner2(u);
    return v;
}

void nestCallerA(uint64_t uA)
{
    g_uRecA = outer2(uA);
}

void nestCallerB(uint64_t uB)
{
    g_uRecB = outer2(uB);
}

// flow here: nestCallerA#0 (uA) -> g_uRecA
// no flow here: nestCallerA#0 (uA) -> g_uRecB

/* recursion: the summary of a function that calls itself is what is known so far */
static uint64_t countDown(uint64_t u)
{
    if (u < 16)
        return u;
    return countDown(u / 2);
}

uint64_t g_uRec;

void recCaller(uint64_t uA)
{
    g_uRec = countDown(uA);
}

// flow here: recCaller#0 (uA) -> g_uRec

/* a call under an excluded #if inside the callee: the summary still counts what it writes back */
uint64_t g_uPpCallA, g_uPpCallB;

static uint64_t viaPpCall(uint64_t uA, uint64_t uB)
{
    uint64_t r = uB;
#ifdef VBOX_WITH_PUT
    putInto(&r, uA);
#endif
    return r;
}

void ppCallCaller(uint64_t uA, uint64_t uB)
{
    g_uPpCallA = viaPpCall(uA, uB);
}

// flow here: ppCallCaller#0 (uA) -> g_uPpCallA
// flow here [-U VBOX_WITH_PUT]: ppCallCaller#1 (uB) -> g_uPpCallA
// known extra [-U VBOX_WITH_PUT]: ppCallCaller#0 (uA) -> g_uPpCallA (graph/summary.py: calls made for their effect on out arguments are not checked against the configuration)

/* a pointer parameter passed on to the helper that writes through it */
uint64_t g_uPassOn;

static void passOn(uint64_t *pu, uint64_t u)
{
    putInto(pu, u);
}

void passOnCaller(uint64_t uIn)
{
    uint64_t x = 0;
    passOn(&x, uIn);
    g_uPassOn = x;
}

// flow here: passOnCaller#0 (uIn) -> putInto#1 (u)
// known miss: passOnCaller#0 (uIn) -> g_uPassOn (a pointer parameter passed on to a helper that writes through it: neither an out edge nor the summary carries the write back)

/* a struct filled field by field and returned by value */
typedef struct VALS { uint64_t f; uint64_t g; } VALS;

static VALS mkVal(uint64_t u)
{
    VALS s;
    s.f = u;
    return s;
}

void mkCaller(uint64_t uA)
{
    VALS r = mkVal(uA);
    (void)r;
}

void mkCaller2(uint64_t uB)
{
    VALS r2 = mkVal(uB);
    (void)r2;
}

// flow here: mkVal#0 (u) -> mkVal()
// flow here: mkCaller#0 (uA) -> mkCaller:r
// (s.f of a local struct is that variable's own field, not the type's: the calling context holds)
// no flow here: mkCaller#0 (uA) -> mkCaller2:r2
