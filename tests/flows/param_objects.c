/* Object identity through pointer parameters (docs/objects.md). A field of a struct that
   exists as many objects, read or written through a pointer parameter, is the callee's view
   of the object its caller passed: at each call the caller's object flows in (a local's
   fields, the caller's own parameter object, the buffer a guest read or a copy filled through
   a local pointer) and what the callee stores flows back out to that object only. */
typedef unsigned int uint32_t;
typedef struct REQHDR { uint32_t cb; uint32_t uType; } REQHDR;
typedef struct REQMOUSE { REQHDR Hdr; uint32_t fFeatures; } REQMOUSE;
typedef struct REQPOINTER { REQHDR Hdr; uint32_t fPointer; } REQPOINTER;
typedef struct REQVERSION { REQHDR Hdr; uint32_t uVersion; } REQVERSION;
typedef struct REQHEARTBEAT { REQHDR Hdr; uint32_t cSecs; } REQHEARTBEAT;
typedef struct DEVST { uint32_t fCaps; uint32_t fOther; } DEVST;
typedef struct SGBUF { uint32_t cbUsed; } SGBUF;

typedef unsigned long long RTGCPHYS;
typedef struct PDMDEVINS PDMDEVINS;
int PDMDevHlpPhysRead(PDMDEVINS *pDevIns, RTGCPHYS GCPhys, void *pvBuf, uint32_t cbRead);
void *heapAlloc(uint32_t cb);
void keepForLater(SGBUF *pSg);

SGBUF g_aSgPool[4];
uint32_t g_cbNetA, g_cbNetB, g_cbKept, g_fStoredBack;
REQMOUSE *g_pLastReq;

/* 1. a request read from the guest into a heap buffer, handed by a dispatcher to a handler
      that reads it as a longer struct: the handler's field comes from the caller's buffer
      (several request types begin with one header: each is a record in a buffer) */
static int reqSetMouse(DEVST *pThis, REQHDR *pReqHdr)
{
    REQMOUSE *pReq = (REQMOUSE *)pReqHdr;
    pThis->fCaps = pReq->fFeatures;
    return 0;
}

static int reqSetPointer(DEVST *pThis, REQHDR *pReqHdr)
{
    REQPOINTER *pReq = (REQPOINTER *)pReqHdr;
    pThis->fOther = pReq->fPointer;
    return 0;
}

static int reqOthers(REQHDR *pReqHdr)
{
    REQVERSION *pVer = (REQVERSION *)pReqHdr;
    REQHEARTBEAT *pBeat = (REQHEARTBEAT *)pReqHdr;
    return pVer->uVersion + pBeat->cSecs;
}

static int reqDispatch(DEVST *pThis, REQHDR *pReqHdr)
{
    if (pReqHdr->uType == 1)
        return reqSetMouse(pThis, pReqHdr);
    if (pReqHdr->uType == 2)
        return reqSetPointer(pThis, pReqHdr);
    return reqOthers(pReqHdr);
}

int reqFromGuest(PDMDEVINS *pDevIns, DEVST *pThis, RTGCPHYS GCPhys, uint32_t cb)
{
    REQHDR *pBuf = (REQHDR *)heapAlloc(cb);
    PDMDevHlpPhysRead(pDevIns, GCPhys, pBuf, cb);
    return reqDispatch(pThis, pBuf);
}

// flow here: DEVST.fCaps <- reqFromGuest:pBuf
// flow here: DEVST.fCaps <- source:guest-memory:PDMDevHlpPhysRead
// best path: DEVST.fCaps <- reqFromGuest:pBuf : REQMOUSE.fFeatures (*pReqHdr of reqDispatch)
// edge kind: reqFromGuest:pBuf -> REQMOUSE.fFeatures (*pReqHdr of reqDispatch) : arg
// (fOther is the pointer request's field, also from the buffer; the negative: a request type
// with its own buffer never fills this one)
// no flow here: DEVST.fCaps <- otherBuffer:pOwn

int otherBuffer(PDMDEVINS *pDevIns, RTGCPHYS GCPhys, uint32_t cb)
{
    REQHDR *pOwn = (REQHDR *)heapAlloc(cb);
    PDMDevHlpPhysRead(pDevIns, GCPhys, pOwn, cb);
    return reqOthers(pOwn);
}

/* 2. two devices' descriptors passed to one helper stay two objects (negative twin of the
      old type-level field, where one device's length reached the other's) */
static void sgSetUsed(SGBUF *pSg, uint32_t cb)
{
    pSg->cbUsed = cb;
}

static uint32_t sgGetUsed(SGBUF *pSg)
{
    return pSg->cbUsed;
}

void netDevA(uint32_t cbFrameA)
{
    SGBUF SgA;
    sgSetUsed(&SgA, cbFrameA);
    g_cbNetA = sgGetUsed(&SgA);
}

void netDevB(uint32_t cbFrameB)
{
    SGBUF SgB;
    sgSetUsed(&SgB, cbFrameB);
    g_cbNetB = sgGetUsed(&SgB);
}

// flow here: netDevA#0 (cbFrameA) -> g_cbNetA
// flow here: netDevB#0 (cbFrameB) -> g_cbNetB
// no flow here: netDevA#0 (cbFrameA) -> g_cbNetB
// no flow here: netDevB#0 (cbFrameB) -> g_cbNetA
// flow here: g_cbNetB <- netDevB#0 (cbFrameB)
// no flow here: g_cbNetB <- netDevA#0 (cbFrameA)

/* 3. a store through a parameter reaches the caller's object (through a chain of callers),
      and the value stored comes back to this call only */
static void sgFill(SGBUF *pSg, uint32_t cb)
{
    sgSetUsed(pSg, cb);
}

void storeBack(uint32_t cbIn)
{
    SGBUF Sg;
    sgFill(&Sg, cbIn);
    g_fStoredBack = Sg.cbUsed;
}

// flow here: storeBack#0 (cbIn) -> g_fStoredBack
// flow here: g_fStoredBack <- storeBack#0 (cbIn)
// edge kind: param:param_objects.c:sgFill#0*.cbUsed@1 -> local:param_objects.c:storeBack:Sg.cbUsed@c1 : out

/* 4. a pointer the callee lets escape (kept for later, by a function srcscan cannot see):
      the object may be read anywhere else, so the type's field stands in - a guess */
static uint32_t sgKeep(SGBUF *pSg)
{
    keepForLater(pSg);
    return pSg->cbUsed;
}

void escaping(uint32_t cbEsc)
{
    SGBUF SgE;
    sgSetUsed(&SgE, cbEsc);
    g_cbKept = sgKeep(&SgE);
}

uint32_t poolRead(SGBUF *pSg)
{
    return pSg->cbUsed;
}

// flow here: escaping#0 (cbEsc) -> g_cbKept
// edge kind: field:SGBUF.cbUsed -> param:param_objects.c:sgKeep#0*.cbUsed : alias-load
// (a function nothing in the sources calls may be handed any object: the type's field, a guess)
// edge kind: SGBUF.cbUsed -> poolRead() : alias-load

/* 5. call parameters handed over as an array: a getter reads one element through its pointer
      parameter and writes it out through another; the service's handler passes &paParms[1]
      and its dispatcher passes the whole array: the value comes from the dispatcher's caller */
typedef struct SVCPARM { uint32_t type; union { uint32_t u32; void *pv; } u; } SVCPARM;
uint32_t g_uSvcStored;

static int svcParmGetU32(SVCPARM *pParm, uint32_t *pu32)
{
    *pu32 = pParm->u.u32;
    return 0;
}

static int svcSetValue(uint32_t cParms, SVCPARM *paParms)
{
    uint32_t uValue = 0;
    svcParmGetU32(&paParms[1], &uValue);
    g_uSvcStored = uValue;
    return 0;
}

static int svcDispatch(uint32_t uFunction, uint32_t cParms, SVCPARM *paParms)
{
    if (uFunction == 1)
        return svcSetValue(cParms, paParms);
    return 0;
}

int svcFromGuest(PDMDEVINS *pDevIns, RTGCPHYS GCPhys, uint32_t cb)
{
    SVCPARM *paGuest = (SVCPARM *)heapAlloc(cb);
    PDMDevHlpPhysRead(pDevIns, GCPhys, paGuest, cb);
    return svcDispatch(1, 2, paGuest);
}

int svcFromHost(uint32_t uHostValue)
{
    SVCPARM aHost[2];
    aHost[1].u.u32 = uHostValue;
    return svcDispatch(1, 2, aHost);
}

// flow here: g_uSvcStored <- svcFromGuest:paGuest
// best path: g_uSvcStored <- svcFromGuest:paGuest : SVCPARM.u (*paParms of svcDispatch)
// flow here: svcFromHost#0 (uHostValue) -> g_uSvcStored
