/* Registration tables written with &function, a declaration macro spanning lines. */
typedef unsigned long long uint64_t;
typedef unsigned int uint32_t;
typedef struct OPSX { uint64_t (*pfnGet)(uint64_t); } OPSX;
uint64_t g_uOpsOut;

static uint64_t opGet(uint64_t u)
{
    return u + 1;
}

static const OPSX g_Ops = { &opGet };

void opsCaller(const OPSX *pOps, uint64_t uIn)
{
    g_uOpsOut = pOps->pfnGet(uIn);
}

// flow here: opsCaller#1 (uIn) -> opGet#0 (u)

/* a declaration macro whose argument spans two lines: later line numbers stay right */
VMMR3DECL(uint64_t
          ) macroLines(uint64_t uA)
{
    uint64_t uB = uA + 1; // @after-macro
    return uB;
}

// evidence: macroLines#0 (uA) -> macroLines:uB : after-macro
// flow here: macroLines#0 (uA) -> macroLines()

/* a declaration macro around a pointer type */
typedef struct PAIRX { uint64_t a; uint64_t b; } PAIRX;

DECLCALLBACK(PAIRX *) pairOf(uint64_t uIn)
{
    static PAIRX s_Pair;
    s_Pair.a = uIn;
    return &s_Pair;
}

// flow here: pairOf#0 (uIn) -> PAIRX.a

/* prefix rules (IEM_MC_IF_*) and macros blanked with their arguments (AssertCompile*) */
AssertCompileSize(PAIRX, 16);
uint64_t g_uIemOut;

void iemIf(uint32_t fEfl, uint64_t u)
{
    IEM_MC_IF_EFL_BIT_SET(fEfl) {
        g_uIemOut = u;
    } IEM_MC_ELSE() {
        g_uIemOut = 0;
    } IEM_MC_ENDIF();
}

// flow here: iemIf#1 (u) -> g_uIemOut

/* a macro blanked with its argument list by exact name (DECL_ALIGN) */
typedef struct ALIGNX { uint64_t uPlain; DECL_ALIGN(8) uint64_t uAligned; } ALIGNX;

void alignPut(ALIGNX *p, uint64_t u)
{
    p->uAligned = u;
}

// flow here: alignPut#1 (u) -> ALIGNX.uAligned
