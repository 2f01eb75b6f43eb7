/* Taint: a clamp (`if (cb > max) cb = max;`) bounds the guest length; a clamp against the
   whole size of a buffer the copy reads at an offset into it does not (the bytes left after
   the offset are fewer). The length is a string I/O count the guest sets. */
typedef struct BUFST { unsigned char *pbBuf; unsigned cbBuf; unsigned cbLeft; unsigned offBuf; } BUFST;

void bufSetup(BUFST *pSt, unsigned cb)
{
    pSt->pbBuf = (unsigned char *)RTMemAllocZ(pSt->cbBuf);
    pSt->cbLeft = pSt->cbBuf;
}

int bufReadClampLeft(BUFST *pSt, unsigned char *pbDst, unsigned *pcTransfers)
{
    unsigned cbCopy = *pcTransfers;
    if (cbCopy > pSt->cbLeft)
    {
        memset(pbDst, 0xff, 4);
        cbCopy = pSt->cbLeft;
    }
    memcpy(pbDst, pSt->pbBuf + pSt->offBuf, cbCopy); // taint: checked (bound)
    return 0;
}

int bufReadClampWhole(BUFST *pSt, unsigned char *pbDst, unsigned *pcTransfers)
{
    unsigned cbCopy = *pcTransfers;
    if (cbCopy > pSt->cbBuf)
        cbCopy = pSt->cbBuf;
    memcpy(pbDst, pSt->pbBuf + pSt->offBuf, cbCopy); // taint: unchecked
    return 0;
}

int bufReadWholeFromStart(BUFST *pSt, unsigned char *pbDst, unsigned *pcTransfers)
{
    unsigned cbCopy = *pcTransfers;
    if (cbCopy > pSt->cbBuf)
        cbCopy = pSt->cbBuf;
    memcpy(pbDst, pSt->pbBuf, cbCopy); // taint: checked (bound)
    return 0;
}

int bufReadClampOther(BUFST *pSt, unsigned char *pbDst, unsigned *pcTransfers, unsigned cbOther)
{
    unsigned cbCopy = *pcTransfers;
    if (cbOther > pSt->cbLeft)
        cbCopy = pSt->cbLeft;
    memcpy(pbDst, pSt->pbBuf, cbCopy); // taint: unchecked
    return 0;
}

// flow here: bufReadClampWhole:cbCopy -> copy-size:memcpy
// flow here: bufReadClampLeft:cbCopy -> copy-size:memcpy
