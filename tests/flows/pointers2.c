/* Local pointers: *p is x only when p only ever holds &x. */
typedef unsigned long long uint64_t;
uint64_t g_uPtrX, g_uPtrY, g_uPass, g_uPassOther;

/* p also holds a pointer from elsewhere: *p is not x */
void ptrOther(uint64_t uIn, uint64_t *pExt)
{
    uint64_t x = 0;
    uint64_t *p = &x;
    p = pExt;
    *p = uIn;
    g_uPtrX = x;
}

// no flow here: ptrOther#0 (uIn) -> g_uPtrX

/* p holds two addresses: it is neither x nor y for sure (flow-insensitive: a known miss) */
void ptrTwo(uint64_t uA, uint64_t uB)
{
    uint64_t x = 0;
    uint64_t y = 0;
    uint64_t *p = &x;
    *p = uA;
    p = &y;
    *p = uB;
    g_uPtrX = x;
    g_uPtrY = y;
}

// no flow here: ptrTwo#0 (uA) -> g_uPtrY
// known miss: ptrTwo#0 (uA) -> g_uPtrX (points-to is flow-insensitive: a pointer holding two addresses is neither)

/* a local pointer holding &x passed to a callee that writes through it */
static void fillIn(uint64_t *pu, uint64_t u)
{
    *pu = u;
}

void ptrPass(uint64_t uIn)
{
    uint64_t x = 0;
    uint64_t other = 0;
    uint64_t *p = &x;
    fillIn(p, uIn);
    g_uPass = x;
    g_uPassOther = other;
}

// flow here: ptrPass#0 (uIn) -> g_uPass
// no flow here: ptrPass#0 (uIn) -> g_uPassOther

/* fields stored through a pointer handed to a sink: only those the configuration builds */
typedef struct PAGEX { uint64_t uShown; uint64_t uHidden; } PAGEX;

void pageWrite(uint64_t GCPhys, uint64_t uA, uint64_t uB)
{
    PAGEX *pPage = (PAGEX *)RTMemAllocZ(4096);
    pPage->uShown = uA;
#ifdef VBOX_WITH_HIDDEN
    pPage->uHidden = uB;
#endif
    PGMPhysSimpleWriteGCPhys(0, GCPhys, pPage, sizeof(*pPage));
}

// flow here: pageWrite#1 (uA) -> guest-memory:PGMPhysSimpleWriteGCPhys
// flow here: pageWrite#2 (uB) -> guest-memory:PGMPhysSimpleWriteGCPhys
// no flow here [-U VBOX_WITH_HIDDEN]: pageWrite#2 (uB) -> guest-memory:PGMPhysSimpleWriteGCPhys
// flow here [-U VBOX_WITH_HIDDEN]: pageWrite#1 (uA) -> guest-memory:PGMPhysSimpleWriteGCPhys

/* the same field written elsewhere: it reaches the sink only through a store the configuration keeps */
void pageHidden(PAGEX *pOther, uint64_t uC)
{
    pOther->uHidden = uC;
}

// flow here: pageHidden#1 (uC) -> guest-memory:PGMPhysSimpleWriteGCPhys
// no flow here [-U VBOX_WITH_HIDDEN]: pageHidden#1 (uC) -> guest-memory:PGMPhysSimpleWriteGCPhys

/* a local whose address is taken stays one node (a write through the pointer may change it
   behind the statements' backs): a callee writing through &x after x's second definition */
uint64_t g_uTakenC, g_uTakenA;
uint64_t *g_pShared;

void takenCall(uint64_t uIn)
{
    uint64_t x = 0;
    x = 1;
    fillIn(&x, uIn);
    g_uTakenC = x;
}

// flow here: takenCall#0 (uIn) -> g_uTakenC

/* the address escapes into a global: x stays one node, what it held may be read back later */
void takenAssign(uint64_t uIn)
{
    uint64_t x = uIn;
    g_pShared = &x;
    x = 1;
    g_uTakenA = x;
}

// flow here: takenAssign#0 (uIn) -> g_uTakenA
