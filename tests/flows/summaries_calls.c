/* Function summaries over the calls inside a callee: a model row (source, propagator), an
   unknown callee given a pointer, a field stored through a pointer parameter, a helper given
   the address of a local, and fields read through a pointer. Each summary rule has a flow that
   needs it and a twin that must stay empty (issue 33: random mutants of graph/summary.py). */
typedef unsigned long long uint64_t;
typedef unsigned int uint32_t;
typedef struct PAIR { uint64_t f; uint64_t g; } PAIR;
uint64_t g_uMsrA, g_uMsrB, g_uAtomA, g_uAtomB, g_uHandA, g_uHandB, g_uAddrA, g_uAddrB;
uint64_t g_uDerefA, g_uIdxA;
PAIR g_pair;
int g_iFld;
uint64_t extLookup(uint64_t *pu);
uint64_t extValue(uint64_t u);

/* a source model inside the callee: its result is the source's value, never the parameter's */
static uint64_t readMsr(uint32_t idMsr)
{
    return ASMRdMsr(idMsr);
}

void msrCallerA(uint32_t idA)
{
    g_uMsrA = readMsr(idA);
}

/* twin: an unknown function in its place passes its argument on */
static uint64_t readExt(uint32_t idMsr)
{
    return extValue(idMsr);
}

void msrCallerB(uint32_t idB)
{
    g_uMsrB = readExt(idB);
}

// no flow here: msrCallerA#0 (idA) -> g_uMsrA
// flow here: msrCallerB#0 (idB) -> g_uMsrB
// no flow here: g_uMsrA <- msrCallerA#0 (idA)

/* a propagator model given the address of a local (ASMAtomicReadU64(&v) reads v) */
static uint64_t atomicCopy(uint64_t u)
{
    uint64_t v = u;
    return ASMAtomicReadU64(&v);
}

void atomCallerA(uint64_t uA)
{
    g_uAtomA = atomicCopy(uA);
}

void atomCallerB(uint64_t uB)
{
    g_uAtomB = atomicCopy(uB);
}

// flow here: atomCallerA#0 (uA) -> g_uAtomA
// no flow here: atomCallerA#0 (uA) -> g_uAtomB
// flow here: g_uAtomB <- atomCallerB#0 (uB)

/* an unknown callee given a pointer: a handle, its result does not carry the pointer */
static uint64_t viaHandle(uint64_t *pu)
{
    return extLookup(pu);
}

void handCallerA(uint64_t *pA)
{
    g_uHandA = viaHandle(pA);
}

/* twin: given the value, it does */
static uint64_t viaValue(uint64_t u)
{
    return extValue(u);
}

void handCallerB(uint64_t uB)
{
    g_uHandB = viaValue(uB);
}

// no flow here: handCallerA#0 (pA) -> g_uHandA
// flow here: handCallerB#0 (uB) -> g_uHandB

/* a field stored through a pointer parameter goes to the type's field, not into the pointer:
   a result computed from the pointer alone does not carry the stored value */
static int storeAndTest(PAIR *p, uint64_t u)
{
    p->f = u;
    return p != 0;
}

void fldTestCaller(uint64_t uA)
{
    g_iFld = storeAndTest(&g_pair, uA);
}

// no flow here: fldTestCaller#0 (uA) -> g_iFld
// flow here: fldTestCaller#0 (uA) -> PAIR.f

/* a helper reading through the address of the callee's local: the outer summary needs the
   local (the &x argument), not only the values read in the argument expression */
static uint64_t readPtr(const uint64_t *p)
{
    return *p;
}

static uint64_t viaAddr(uint64_t u)
{
    uint64_t x = u;
    return readPtr(&x);
}

void addrCallerA(uint64_t uA)
{
    g_uAddrA = viaAddr(uA);
}

void addrCallerB(uint64_t uB)
{
    g_uAddrB = viaAddr(uB);
}

// flow here: addrCallerA#0 (uA) -> g_uAddrA
// no flow here: addrCallerA#0 (uA) -> g_uAddrB

/* fields read through a pointer ((*p).g, p[i].g) are the type's fields, not the pointer */
static uint64_t getViaDeref(PAIR *p)
{
    return (*p).g;
}

void derefCallerA(PAIR *pA)
{
    g_uDerefA = getViaDeref(pA);
}

static uint64_t getViaIndex(PAIR *pArr, uint64_t i)
{
    return pArr[i].g;
}

void idxCallerA(PAIR *pA)
{
    g_uIdxA = getViaIndex(pA, 0);
}

// no flow here: derefCallerA#0 (pA) -> g_uDerefA
// no flow here: idxCallerA#0 (pA) -> g_uIdxA
// flow here: PAIR.g -> g_uDerefA
// flow here: PAIR.g -> g_uIdxA

/* a variadic function of the tree: the named parameter gets its argument, the rest go nowhere */
uint64_t g_uVarSeen;

static void varLog(uint64_t uFirst, ...)
{
    g_uVarSeen = uFirst;
}

void varCaller(uint64_t uV, uint64_t uW)
{
    varLog(uV, uW);
}

// flow here: varCaller#0 (uV) -> g_uVarSeen
// no flow here: varCaller#1 (uW) -> g_uVarSeen
