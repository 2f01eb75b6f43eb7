/* Which way a path goes, which kind an edge gets, and calling context through memory. */
typedef unsigned long long uint64_t;
uint64_t g_uRankOut, g_uBoth, g_uCtl, g_uStashOut, g_uFieldOut, g_uStash, g_uCompound;
typedef struct STASHX { uint64_t uKept; } STASHX;
STASHX g_StashX;
uint64_t extScale(uint64_t u);

/* path ranking: a longer plain data path beats a shorter guess through an unknown call */
void rankPaths(uint64_t uIn)
{
    uint64_t a = uIn + 1;
    uint64_t b = a * 2;
    uint64_t c = extScale(uIn);
    g_uRankOut = b;
    g_uRankOut = c;
}

// best path: rankPaths#0 (uIn) -> g_uRankOut : rankPaths:b
// best path: rankPaths#0 (uIn) -> g_uRankOut : !rankPaths:c
// best path: g_uRankOut <- rankPaths#0 (uIn) : rankPaths:a
// edge kind: rankPaths#0 (uIn) -> rankPaths:c : through

/* an edge with both data and control evidence is a data edge (its best explanation) */
void bothKinds(uint64_t u)
{
    if (u > 5)
        g_uBoth = 1;
    g_uBoth = u; // @both-data
}

void onlyControl(uint64_t u)
{
    if (u > 5)
        g_uCtl = 1;
}

// edge kind: bothKinds#0 (u) -> g_uBoth : assign
// edge kind: onlyControl#0 (u) -> g_uCtl : control
// evidence: bothKinds#0 (u) -> g_uBoth : both-data

/* calling context is forgotten through global memory: the value stored by one call is read
   back by another callee and returned to this caller */
static void stash(uint64_t u)
{
    g_uStash = u;
}

static uint64_t unstash(void)
{
    return g_uStash;
}

static void stashField(uint64_t u)
{
    g_StashX.uKept = u;
}

static uint64_t unstashField(void)
{
    return g_StashX.uKept;
}

void stashCaller(uint64_t uA)
{
    stash(uA);
    g_uStashOut = unstash();
    stashField(uA);
    g_uFieldOut = unstashField();
}

// flow here: stashCaller#0 (uA) -> g_uStashOut
// flow here: stashCaller#0 (uA) -> g_uFieldOut
// flow here: g_uFieldOut <- stashCaller#0 (uA)

/* x += y keeps x's old value */
void compound(uint64_t uA, uint64_t uB)
{
    uint64_t x = uA;
    x += uB;
    x = x * 2;
    g_uCompound = x;
}

// flow here: compound#0 (uA) -> g_uCompound
// flow here: compound#1 (uB) -> g_uCompound

/* a control dependence (one step) ranks after a data path of three */
uint64_t g_uCtlRank;

void ctlRank(uint64_t u)
{
    uint64_t a = u + 1;
    uint64_t b = a + 1;
    if (u > 3)
        g_uCtlRank = 5;
    g_uCtlRank = b;
}

// best path: ctlRank#0 (u) -> g_uCtlRank : ctlRank:b

/* a may-alias store and load (two guesses' cost) rank after a data path of six */
typedef struct RANKITEM { struct RANKITEM *pNext; uint64_t uZ; } RANKITEM;
uint64_t g_uAliasRank;

void aliasRank(RANKITEM *pA, uint64_t u)
{
    uint64_t d1 = u + 1;
    uint64_t d2 = d1 + 1;
    uint64_t d3 = d2 + 1;
    uint64_t d4 = d3 + 1;
    uint64_t d5 = d4 + 1;
    pA->uZ = u;
    g_uAliasRank = pA->uZ;
    g_uAliasRank = d5;
}

// best path: aliasRank#1 (u) -> g_uAliasRank : aliasRank:d5
// best path: aliasRank#1 (u) -> g_uAliasRank : !RANKITEM.uZ

/* costs (graph/compact.py EDGE_COST): a may-alias store and load (4 + 4) rank after one
   control step (6); both leave the same three steps, so only the cost decides */
uint64_t g_uAvC;

void aliasVsCtl(RANKITEM *pA, uint64_t u)
{
    pA->uZ = u;
    if (u > 3)
        g_uAvC = 1;
    g_uAvC = pA->uZ;
}

// best path: aliasVsCtl#1 (u) -> g_uAvC : RANKITEM.uZ
// (a control step leaves no data step after it (control tail 0), so the search keeps the freer
// state reached through the two may-alias guesses: ranking by cost alone would pick the control step)

/* a node first reached inside a callee (phase 1: no way back out but to this call) is taken
   again when a freer path (through global memory, phase 0) reaches it later */
uint64_t g_uPh, g_uPhOut;

static uint64_t phHelper(uint64_t u)
{
    uint64_t t = u + g_uPh;
    return t;
}

void phStart(uint64_t uX)
{
    uint64_t a = uX + 1;
    uint64_t b = a + 1;
    g_uPh = b;
    phHelper(uX);
}

void phOther(void)
{
    g_uPhOut = phHelper(0);
}

// flow here: phStart#0 (uX) -> g_uPhOut

/* the cost of a may-alias load (4) against an unknown call (3), between two paths that are
   both guesses (plain data paths rank first whatever they cost): two store/load pairs
   (4 + 4 + 4 + 4) cost more than one pair and two unknown calls (4 + 4 + 3 + 3) */
typedef struct RANKITEM2 { struct RANKITEM2 *pNext; uint64_t uZ; uint64_t uW; uint64_t uV; } RANKITEM2;
uint64_t g_uTwo;
uint64_t extStep(uint64_t u);

void aliasTwo(RANKITEM2 *pA, uint64_t u)
{
    pA->uZ = u;
    uint64_t x = pA->uZ;
    pA->uW = x;
    g_uTwo = pA->uW;
    pA->uV = u;
    uint64_t y = pA->uV;
    uint64_t t1 = extStep(y);
    g_uTwo = extStep(t1);
}

// best path: aliasTwo#1 (u) -> g_uTwo : aliasTwo:t1
// best path: aliasTwo#1 (u) -> g_uTwo : !RANKITEM2.uW
