/* Function pointers held in a local, passed as a parameter, kept in an array or a field. */
typedef unsigned long long uint64_t;
typedef void FNSINK(uint64_t u);
typedef FNSINK *PFNSINK;

uint64_t g_uSinkA;
uint64_t g_uSinkB;

static void sinkA(uint64_t u) { g_uSinkA = u; }
static void sinkB(uint64_t u) { g_uSinkB = u; }

void viaLocal(uint64_t uIn)
{
    void (*pfn)(uint64_t) = sinkA;
    pfn(uIn);
}

static void callIt(PFNSINK pfnCb, uint64_t u)
{
    pfnCb(u);
}

void viaParam(uint64_t uIn)
{
    callIt(sinkB, uIn);
}

static PFNSINK const g_apfnSinks[] = { sinkA };

void viaArray(uint64_t uIn)
{
    g_apfnSinks[0](uIn);
}

// flow here: viaLocal#0 (uIn) -> g_uSinkA
// no flow here: viaLocal#0 (uIn) -> g_uSinkB
// flow here: viaParam#0 (uIn) -> g_uSinkB
// flow here: viaArray#0 (uIn) -> g_uSinkA

/* &function is the function too. */
static void sinkC(uint64_t u) { g_uSinkB = u; }

void viaAddress(uint64_t uIn)
{
    void (*pfn)(uint64_t) = &sinkC;
    pfn(uIn);
}

// flow here: viaAddress#0 (uIn) -> g_uSinkB
