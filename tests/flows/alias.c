/* May-alias rules. A field of a struct that exists as many objects (ITEM links to others of
   its type) is a guess: a load from it (downstream) or a store into it (upstream) is taken,
   but the path goes at most three more steps, never from one such field straight into
   another (two guesses in a row), and without that limit when the trace starts at the field. */
typedef unsigned long long uint64_t;
typedef struct ITEM { struct ITEM *pNext; uint64_t uX; uint64_t uY; } ITEM;

void itemPut(ITEM *pA, uint64_t u)
{
    pA->uX = u;
}

void itemCopy(ITEM *pA, ITEM *pB)
{
    pB->uY = pA->uX;
}

uint64_t itemGet(ITEM *pB)
{
    uint64_t a = pB->uY;
    uint64_t b = a + 1;
    uint64_t c = b * 2;
    uint64_t d = c - 1;
    uint64_t e = d;
    return e;
}

uint64_t itemGetX(ITEM *pA)
{
    uint64_t a = pA->uX;
    uint64_t b = a + 1;
    uint64_t c = b * 2;
    uint64_t d = c - 1;
    uint64_t e = d;
    return e;
}

// flow here: itemPut#1 (u) -> ITEM.uX
// no flow here: itemPut#1 (u) -> ITEM.uY
// flow here: ITEM.uX -> ITEM.uY
// flow here: itemPut#1 (u) -> itemGetX:d
// no flow here: itemPut#1 (u) -> itemGetX:e
// flow here: ITEM.uX -> itemGetX:e
// flow here: ITEM.uY -> itemGet()
// edge kind: itemPut#1 (u) -> ITEM.uX : alias-store
// edge kind: ITEM.uX -> ITEM.uY : alias
// edge kind: ITEM.uX -> itemGetX:a : alias-load

/* upstream: a store into a may-alias field is the guess; a trace starting at the field is exempt */
void itemArm(ITEM *pT, uint64_t uBase)
{
    uint64_t a = uBase + 1;
    uint64_t b = a * 2;
    uint64_t c = b - 1;
    uint64_t d = c;
    pT->uX = d;
}

// flow here: itemGetX:a <- itemArm:b
// no flow here: itemGetX:a <- itemArm#1 (uBase)
// flow here: ITEM.uX <- itemArm#1 (uBase)
// (and the path is listed: the exemption holds at the trace's start, not at the path's far end)
// best path: ITEM.uX <- itemArm#1 (uBase) : itemArm:c
// flow here: itemGetX:a <- itemPut#1 (u)

/* one guess per path: a value a guessed load brought in, stored into another may-alias field,
   is not loaded from it again as another guess (the second fan-out filled slices: issue 27,
   a TSC read stored into the guest's register file and read back by every instruction) */
typedef struct SLOT { struct SLOT *pNext; uint64_t uVal; } SLOT;

void itemToSlot(ITEM *pI, SLOT *pS)
{
    uint64_t v = pI->uX;
    pS->uVal = v;
}

uint64_t slotGet(SLOT *pS)
{
    uint64_t w = pS->uVal;
    return w;
}

// flow here: itemPut#1 (u) -> itemToSlot:v
// flow here: itemPut#1 (u) -> SLOT.uVal
// no flow here: itemPut#1 (u) -> slotGet:w
// flow here: itemToSlot:v -> slotGet:w
// flow here: SLOT.uVal -> slotGet()
// upstream, the mirror image: one guessed store per path
// flow here: slotGet:w <- itemToSlot:v
// no flow here: slotGet:w <- itemPut#1 (u)

/* a struct that is one location (no array, no self link) is not a guess */
typedef struct SINGLE { uint64_t uS; } SINGLE;

void singlePut(SINGLE *p, uint64_t u)
{
    p->uS = u;
}

uint64_t singleGet(SINGLE *p)
{
    uint64_t a = p->uS;
    uint64_t b = a + 1;
    uint64_t c = b * 2;
    uint64_t d = c - 1;
    uint64_t e = d;
    return e;
}

// flow here: singlePut#1 (u) -> singleGet()
// edge kind: singlePut#1 (u) -> SINGLE.uS : field-store

/* union storage: members share it; in a per-object union the storage is a guess too */
typedef unsigned int uint32_t;
typedef union UREG { uint64_t u64; struct { uint32_t uLo; uint32_t uHi; } s; } UREG;
typedef struct UREGS { UREG aRegs[4]; } UREGS;
typedef union UPAIR { uint64_t uOne; uint32_t uTwo; } UPAIR;
UPAIR g_Pair;
uint64_t g_uPairOut;

void uregPut(UREG *pR, uint64_t u)
{
    pR->u64 = u;
}

uint64_t uregGetLo(UREG *pR)
{
    return pR->s.uLo;
}

void pairPut(uint64_t u)
{
    g_Pair.uOne = u;
    g_uPairOut = g_Pair.uTwo;
}

// flow here: UREG.* -> uregGetLo()
// known miss: uregPut#1 (u) -> uregGetLo() (a per-object union: member -> storage -> member counts as two guesses in a row, though only which object is a guess)
// flow here: pairPut#0 (u) -> g_uPairOut
// edge kind: UPAIR.uOne -> UPAIR.* : field-store
// edge kind: UPAIR.* -> UPAIR.uTwo : field-load

/* named structs inside a union are not overlaid (two alternative states whose layouts differ) */
typedef struct PROVA { uint64_t uA1; uint64_t uA2; } PROVA;
typedef struct PROVB { uint64_t uB1; uint64_t uB2; } PROVB;
typedef union PROVU { PROVA a; PROVB b; uint64_t uRaw; uint32_t uRaw32; } PROVU;
PROVU g_Prov;
uint64_t g_uProvOut, g_uRawOut;

void provPut(uint64_t u)
{
    g_Prov.a.uA1 = u;
    g_uProvOut = g_Prov.b.uB2;
    g_Prov.uRaw = u;
    g_uRawOut = g_Prov.uRaw32;
}

// no flow here: provPut#0 (u) -> g_uProvOut
// flow here: provPut#0 (u) -> g_uRawOut

/* the same with whole members: one provider's state stored does not read back as the other's */
PROVB g_ProvBOut;

void provWhole(uint64_t u)
{
    PROVA tmp;
    tmp.uA1 = u;
    g_Prov.a = tmp;
    g_ProvBOut = g_Prov.b;
}

// flow here: provWhole#0 (u) -> PROVU.a
// no flow here: provWhole#0 (u) -> g_ProvBOut

/* a big anonymous struct in a union is a whole alternative, not a view of the same bytes */
typedef union BIGU { struct { uint64_t q1; uint64_t q2; uint64_t q3; uint64_t q4; uint64_t q5; } big; uint64_t uWhole; uint32_t uHalf; } BIGU;
BIGU g_Big;
uint64_t g_uBigOut;

void bigPut(uint64_t u)
{
    g_Big.big.q1 = u;
    g_uBigOut = g_Big.uWhole;
}

// no flow here: bigPut#0 (u) -> g_uBigOut

/* copies of a struct in another: each copy is its own location; a store into one copy
   reaches the type's field (what a pointer to the struct names), never the other copy */
typedef struct CNT { uint64_t cPages; uint64_t cShadow; } CNT;
typedef struct CNTS { CNT Reserved; CNT Allocated; } CNTS;
CNTS g_Cnts;
uint64_t g_uAllocOut, g_uAnyOut;

void cntReserve(uint64_t cPages)
{
    g_Cnts.Reserved.cPages = cPages;
}

uint64_t cntAny(CNT *pCnt)
{
    return pCnt->cPages;
}

void cntRead(void)
{
    g_uAllocOut = g_Cnts.Allocated.cPages;
}

// flow here: cntReserve#0 (cPages) -> CNT.cPages
// flow here: cntReserve#0 (cPages) -> cntAny()
// no flow here: cntReserve#0 (cPages) -> g_uAllocOut
// no flow here: CNT.cPages -> g_uAllocOut
// edge kind: CNTS.Reserved.cPages -> CNT.cPages : alias-store
