/* Taint: a local segment list set up by a helper from a guest request's start and end
   (reqSegsSetup(&Segs, Req.uStart, Req.uEnd)); the helper computes the list's total from the
   segment length it just stored, another helper shortens the last segment to a total; the first
   segment's length then goes to a write helper as its size. */
typedef struct REQ { unsigned uStart; unsigned uEnd; } REQ;
typedef struct SEG { unsigned uBase; unsigned cbLen; } SEG;
typedef struct SEGS { unsigned cSegs; unsigned cbSum; SEG a[2]; } SEGS;
typedef struct CTRL { void *pDevIns; unsigned char abOut[64]; } CTRL;

static void ctrlGuestRead(CTRL *pCtl, unsigned long GCPhys, void *pv, unsigned cb)
{
    PDMDevHlpPhysRead(pCtl->pDevIns, GCPhys, pv, cb);
}

static void ctrlGuestWrite(CTRL *pCtl, unsigned long GCPhys, const void *pv, unsigned cb)
{
    PDMDevHlpPCIPhysWrite(pCtl->pDevIns, GCPhys, pv, cb); // taint: unchecked
}

static void reqSegsSetup(SEGS *pSegs, unsigned uStart, unsigned uEnd)
{
    if (!uEnd)
    {
        pSegs->cSegs = 0;
        pSegs->cbSum = 0;
        return;
    }
    pSegs->a[0].uBase = uStart;
    pSegs->a[0].cbLen = uEnd - uStart;
    pSegs->cSegs = 1;
    pSegs->cbSum = pSegs->a[0].cbLen;
}

static void reqSegsTrim(SEGS *pSegs)
{
    unsigned cbSeen = 0;
    for (unsigned iSeg = 0; iSeg < pSegs->cSegs; iSeg++)
    {
        cbSeen += pSegs->a[iSeg].cbLen;
        if (iSeg + 1 == pSegs->cSegs)
            pSegs->a[iSeg].cbLen -= cbSeen - pSegs->cbSum;
    }
}

void ctrlSubmit(CTRL *pCtl, unsigned long GCPhysReq, SEGS *pPending)
{
    REQ Req;
    ctrlGuestRead(pCtl, GCPhysReq, &Req, sizeof(Req));
    SEGS Segs;
    reqSegsSetup(&Segs, Req.uStart, Req.uEnd);
    *pPending = Segs;
}

void ctrlComplete(CTRL *pCtl, SEGS *pPending, unsigned cbDone)
{
    SEGS Segs = *pPending;
    if (cbDone < Segs.cbSum)
    {
        Segs.cbSum = cbDone;
        reqSegsTrim(&Segs);
    }
    if (Segs.cSegs > 0)
        ctrlGuestWrite(pCtl, Segs.a[0].uBase, pCtl->abOut, Segs.a[0].cbLen);
}

// flow here: REQ.uStart -> guest-write-size:PDMDevHlpPCIPhysWrite
