/* A field stored into a local struct after a call filled the struct as a whole stays that
   field (issue 27): it reaches a later read of the whole (the struct handed to a call, copied)
   and, through the callee's view of its parameter, that same field there; it never reaches the
   call before it that filled the struct, nor another field through the whole variable.
   Negative twins: what the filling call wrote still reaches every field it filled, and a
   field stored before the struct is passed on reaches the callee's field. */
typedef unsigned int uint32_t;

typedef struct LEAF { uint32_t uLeaf; uint32_t uSubLeaf; uint32_t uEax; uint32_t uEbx; } LEAF;

LEAF g_LeafBefore, g_LeafAfter;
uint32_t g_uSeenSub, g_uSeenEax, g_uAskedEax, g_uTableSub, g_uTableEax;

int leafGet(LEAF *pLeaf, const LEAF *pFrom, uint32_t uSub)
{
    g_uAskedEax = pLeaf->uEax;
    *pLeaf = *pFrom;
    pLeaf->uSubLeaf = uSub;
    return 0;
}

int leafInsert(LEAF *pNew)
{
    g_uTableSub = pNew->uSubLeaf;
    g_uTableEax = pNew->uEax;
    return 0;
}

int leafSetup(uint32_t uFreq, uint32_t uSub, const LEAF *pFrom)
{
    LEAF Leaf;
    int rc = leafGet(&Leaf, pFrom, uSub);
    g_LeafBefore = Leaf;
    Leaf.uLeaf = 0x40000010;
    Leaf.uEax = uFreq;
    g_LeafAfter = Leaf;
    g_uSeenSub = Leaf.uSubLeaf;
    g_uSeenEax = Leaf.uEax;
    rc = leafInsert(&Leaf);
    return rc;
}

// flow here: leafSetup#0 (uFreq) -> g_uSeenEax
// flow here: leafSetup#0 (uFreq) -> g_uTableEax
// flow here: leafSetup#1 (uSub) -> g_uSeenSub
// flow here: leafSetup#1 (uSub) -> g_uTableSub
// no flow here: g_uSeenSub <- leafSetup#0 (uFreq)
// flow here: g_LeafAfter <- leafSetup#0 (uFreq)
// no flow here: g_LeafBefore <- leafSetup#0 (uFreq)
// no flow here: g_uTableSub <- leafSetup#0 (uFreq)
/* Not yet: a local struct's field is one node for every definition, so uFreq, stored after
   leafGet, still meets leafGet's view of uEax in the slice (g_uAskedEax upstream; the listing
   does not list it). */
