/* Status codes end a path (issue 27, queries/config.toml [status]): a value that reaches a
   status code (int rc, VBOXSTRICTRC) goes no further, neither as data nor into what is done
   on success or failure. An int that is not a status code carries data on. */
typedef unsigned long long uint64_t;
typedef int VBOXSTRICTRC;
uint64_t g_uCounter;
uint64_t g_uCount;
uint64_t g_uStatus;

static int convert(uint64_t u)
{
    return (int)(u & 1);
}

void statusUser(uint64_t uIn)
{
    int rc = convert(uIn);
    if (rc == 0)
        g_uCounter = g_uCounter + 1;
    VBOXSTRICTRC rcStrict = convert(uIn);
    g_uStatus = rcStrict;
    int cCount = convert(uIn);
    g_uCount = cCount;
}

// flow here: statusUser#0 (uIn) -> statusUser:rc
// no flow here: statusUser#0 (uIn) -> g_uCounter
// flow here: statusUser#0 (uIn) -> statusUser:rcStrict
// no flow here: statusUser#0 (uIn) -> g_uStatus
// flow here: statusUser#0 (uIn) -> g_uCount

/* A call the tree does not define returns a status code: the status says whether it worked,
   not what was passed in. Its arguments reach a data result of the same call, not a status. */
int hostMap(uint64_t uAddr, uint64_t cb);
typedef int hv_return_t;
uint64_t g_uMapped;

void statusOfUnknownCall(uint64_t uGpa)
{
    int rc = hostMap(uGpa, 4096);
    hv_return_t hrc = hostMap(uGpa, 8192);
    uint64_t uTag = hostMap(uGpa, 0);
    g_uMapped = uTag;
}

// no flow here: statusOfUnknownCall#0 (uGpa) -> statusOfUnknownCall:rc
// no flow here: statusOfUnknownCall#0 (uGpa) -> statusOfUnknownCall:hrc
// flow here: statusOfUnknownCall#0 (uGpa) -> statusOfUnknownCall:uTag
// flow here: statusOfUnknownCall#0 (uGpa) -> g_uMapped

/* A struct member holding a status code (a request header's rc, which a dispatcher sets to its
   handler's result) is a status code too: the result written back into the buffer does not
   become the data the next request in that buffer is read as. A member of another name or
   type carries data on. */
typedef unsigned int uint32_t;
typedef struct REQHDR { uint32_t cb; int rc; uint32_t uType; } REQHDR;
typedef struct REQVAL { REQHDR Hdr; uint32_t uValue; } REQVAL;
uint32_t g_uReqValue;
uint32_t g_uReqType;

static int reqHandle(REQHDR *pHdr)
{
    REQVAL *pReq = (REQVAL *)pHdr;
    g_uReqValue = pReq->uValue;
    return (int)pReq->uValue;
}

static void reqDispatch(REQHDR *pHdr)
{
    pHdr->rc = reqHandle(pHdr);
    g_uReqType = (uint32_t)pHdr->rc;
}

void reqRun(REQHDR *pHdr, uint32_t uTypeIn)
{
    pHdr->uType = uTypeIn;
    reqDispatch(pHdr);
}

// flow here: reqHandle() -> REQHDR.rc
// no flow here: reqHandle() -> g_uReqType
// no flow here: REQHDR.rc -> g_uReqType
// flow here: reqRun#1 (uTypeIn) -> REQHDR.uType
