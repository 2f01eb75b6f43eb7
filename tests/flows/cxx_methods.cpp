/* Members used without this->, a method inherited from far up, and calls on objects that are
   not local (issue 33: random mutants of graph/access.py). */
typedef unsigned long long uint64_t;
uint64_t g_uFar, g_uGlobSeen, g_uGlobBase;

/* a member written without this-> is the class's own field */
class Alpha
{
public:
    void set(uint64_t u);
    void put(uint64_t u);
    uint64_t get();
    uint64_t m_uVal;
};

void Alpha::set(uint64_t u)
{
    m_uVal = u;
}

uint64_t Alpha::get()
{
    return m_uVal;
}

/* another class with a member of the same name */
class Beta
{
public:
    void set(uint64_t u);
    uint64_t get();
    uint64_t m_uVal;
};

void Beta::set(uint64_t u)
{
    m_uVal = u;
}

uint64_t Beta::get()
{
    return m_uVal;
}

// flow here: Alpha::set#0 (u) -> Alpha.m_uVal
// flow here: Alpha::set#0 (u) -> Alpha::get()
// no flow here: Alpha::set#0 (u) -> Beta::get()
// flow here: Beta::get() <- Beta::set#0 (u)
// no flow here: Beta::get() <- Alpha::set#0 (u)

/* a name that is no member of the method's class (a global from a header not seen) is not made
   one: it must not join another class's field of that name */
class Gamma
{
public:
    uint64_t getShared();
    uint64_t m_uShared;
};

uint64_t Gamma::getShared()
{
    return m_uShared;
}

void Alpha::put(uint64_t u)
{
    m_uShared = u;
}

// no flow here: Alpha::put#0 (u) -> Gamma::getShared()
// no flow here: Alpha::put#0 (u) -> Gamma.m_uShared

/* a method found seven base classes up */
class Far0
{
public:
    void far(uint64_t u) { g_uFar = u; }
};
class Far1 : public Far0 {};
class Far2 : public Far1 {};
class Far3 : public Far2 {};
class Far4 : public Far3 {};
class Far5 : public Far4 {};
class Far6 : public Far5 {};
class Far7 : public Far6 {};

void farCaller(uint64_t uFar)
{
    Far7 obj;
    obj.far(uFar);
}

// flow here: farCaller#0 (uFar) -> g_uFar

/* a call on a global object (not a local: its class is not narrowed to its own method) */
class GBase
{
public:
    virtual void seen(uint64_t u) { g_uGlobBase = u; }
};

class GDerived : public GBase
{
public:
    virtual void seen(uint64_t u) { g_uGlobSeen = u; }
};

GBase g_Obj;

void globObjCaller(uint64_t uG)
{
    g_Obj.seen(uG);
}

// flow here: globObjCaller#0 (uG) -> g_uGlobBase
// known extra: globObjCaller#0 (uG) -> g_uGlobSeen (graph/access.py narrows a call to the object's own class only for locals: a global object held by value reaches every override)
