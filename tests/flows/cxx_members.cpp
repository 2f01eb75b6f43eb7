/* C++: reference parameters, class members reached through the implicit this, virtual calls. */
typedef unsigned long long uint64_t;
uint64_t g_uRef;
uint64_t g_uMember;
uint64_t g_uVirtBase;
uint64_t g_uVirtDerived;
uint64_t g_uVirtOther;

static void refWrite(uint64_t &uDst, uint64_t uVal)
{
    uDst = uVal;
}

static void refRead(const uint64_t &uSrc)
{
    g_uRef = uSrc;
}

void refCaller(uint64_t uIn)
{
    uint64_t uOut = 0;
    refWrite(uOut, uIn);
    refRead(uOut);
}

// flow here: refCaller#0 (uIn) -> refCaller:uOut
// flow here: refCaller#0 (uIn) -> g_uRef

class Clock
{
public:
    void setHz(uint64_t uHz) { mHz = uHz; }
    void publish();
private:
    uint64_t mHz;
    uint64_t mOther;
};

void Clock::publish()
{
    g_uMember = mHz;
    g_uRef = mOther;
}

class Meter
{
public:
    void setFactor(uint64_t u) { mFactor = u; }
    uint64_t scaled(uint64_t u) { return u * mFactor; }
    void record(uint64_t uIn) { g_uVirtOther = scaled(uIn); }
private:
    uint64_t mFactor;
};

// flow here: Meter::record#0 (uIn) -> g_uVirtOther
// flow here: Meter::setFactor#0 (u) -> g_uVirtOther

// flow here: Clock::setHz#0 (uHz) -> Clock.mHz
// flow here: Clock::setHz#0 (uHz) -> g_uMember

class Base
{
public:
    virtual void take(uint64_t u) { g_uVirtBase = u; }
};

class Derived : public Base
{
public:
    virtual void take(uint64_t u) { g_uVirtDerived = u; }
};

class Unrelated
{
public:
    virtual void take(uint64_t u) { g_uVirtOther = u; }
};

void virtCaller(Base *pObj, uint64_t uIn)
{
    pObj->take(uIn);
}

// flow here: virtCaller#1 (uIn) -> g_uVirtDerived
// flow here: virtCaller#1 (uIn) -> g_uVirtBase
// no flow here: virtCaller#1 (uIn) -> g_uVirtOther
