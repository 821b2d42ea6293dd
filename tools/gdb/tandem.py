# tools/gdb/tandem.py: the 'tandem' command for GDB.
#
#   (gdb) source tools/gdb/tandem.py      ('make debug' loads it)
#   (gdb) tandem threads    every tandem thread on both cores: state, priority,
#                           what it waits for, stack use, stack guard
#   (gdb) tandem faults     each core's fault record and supervision state
#   (gdb) tandem            both
#   (gdb) tandem trace [N]  each core's last N events (16) in the kernel's
#                           RAM trace ring (a TRACE=ring build, docs/trace.md)
#
# It reads the kernel's structures from target memory by their debug types
# and symbol names (never by offsets), so it follows the kernel as fields
# move. When a name it relies on is gone, it stops with a message naming
# the missing symbol or field. Every such name is in LAYOUT below: when the
# kernel renames something, change it there, and only there.

import gdb

# ---- what this script reads from the kernel (the one place to update) --------
LAYOUT = {
    # the per-core kernel instances: an array, one element per core
    'cores': 'td__cores',
    'core': {
        'current': 'current',      # running thread
        'idle': 'idle',            # the core's idle thread
        'threads': 'threads',      # started threads, linked through thread.next_started
        'running': 'running',      # the kernel runs on this core (non-zero)
        'tick': 'tick',            # the core's tick count
        'switches': 'switches',    # context switches so far
        'xwaiters': 'xwaiters',    # the wait list of threads waiting for cross-core objects
        'state': 'state',          # a value of core_states (running, faulting, halted, ...)
    },
    'thread': {
        'name': 'name',            # const char *
        'state': 'state',          # a value of thread_states
        'prio': 'prio',            # effective priority
        'base': 'base',            # priority set by the program
        'wait_list': 'wq',         # the wait list it is on while blocked
        'flags': 'flags',          # see CONSTANTS: TF_*
        'wake': 'wake',            # tick at which a timed wait ends
        'wait_data': 'wdata',      # union; member 'p': the thread's wait (with TF_OPS)
        'stack': 'stack',          # lowest usable stack word (the guard lies below)
        'ctx': 'ctx',              # saved stack pointer while not running
        'next_started': 'knext',   # next in core.threads
    },
    'thread_states': 'enum td_thread_state',
    # a wait that carries operations (thread.flags & TF_OPS): thread.wdata.p
    'wait_type': 'struct td_wait',
    'wait': {
        'obj': 'obj',              # what the wait is for: a cross-core object's waits
    },
    'xwaits_type': 'struct td_xwaits',  # those waits, a member of every cross-core object
    # each core's fault records: a static array in the fault module (the
    # core's state is the core's own: LAYOUT['core']['state'])
    'fault_state': 'fc',
    'fault': {
        'record': 'rec',           # the last fault (a fault record)
        'count': 'count',          # faults so far
        'policy': 'policy',        # a value of fault_policies
    },
    'record': {
        'seq': 'seq', 'reason': 'reason', 'action': 'action', 'flags': 'flags',
        'exc': 'exc', 'pc': 'pc', 'lr': 'lr', 'sp': 'sp', 'xpsr': 'xpsr',
        'addr': 'addr', 'file': 'file', 'line': 'line', 'text': 'text',
        'thread': 'thread', 'time_us': 'time_us',
    },
    'fault_reasons': 'enum td_fault_reason',
    'fault_policies': 'enum td_fault_policy',
    'core_states': 'enum td_core_state',
    # the trace's per-core RAM rings of a TRACE=ring build (kernel/trace.c)
    'trace_rings': 'td__trace_rings',
    'ring': {
        'head': 'head',            # events written so far (free-running)
        'events': 'ev',            # the ring: event n is ev[n % its length]
    },
    'event': {
        'cycles': 'cycles', 'kind': 'kind', 'seq': 'seq', 'a': 'a', 'b': 'b',
    },
}
# The trace's event kinds (kernel/trace.h's TD_TR_*: macros) and which of
# their two words are threads (printed by name).
TRACE_KINDS = {
    1: ('switch', 'ab'), 2: ('thread', 'a'), 3: ('exit', 'a'), 4: ('irq-enter', ''), 5: ('irq-exit', ''),
    6: ('wait', ''), 7: ('wait-x', ''), 8: ('wake', 'a'), 9: ('lock-take', 'b'), 10: ('lock-give', 'b'),
    11: ('msg-send', ''), 12: ('msg-deliver', ''), 13: ('ep-depth', ''), 14: ('queue', ''),
    15: ('fault', 'b'), 16: ('mark', ''),
}
# Values the kernel defines as macros: absent from the debug information
# unless the program was built with -g3, in which case the program's own
# value is used.
CONSTANTS = {
    'TD_STACK_PAINT': 0xa5a5a5a5,     # unused stack words
    'TD_STACK_CANARY': 0x5a6b7c8d,    # the guard's paint below every stack (its top word: its address)
    'PORT_STACK_GUARD': 32,           # the guard's bytes
    'ARMV6M_GUARD_RBAR_TAG': 0x12,    # the guard's lowest word: its region's RBAR (port_guard_prepare)
    'TF_TIMED': 0x01,                 # thread.flags: the wait has a timeout
    'TF_OPS': 0x02,                   # thread.flags: the wait carries operations (wdata.p)
    'TD_FAULT_F_FRAME_LOST': 0x01, 'TD_FAULT_F_IN_ISR': 0x02, 'TD_FAULT_F_ESCALATED': 0x04,
    'TD_FAULT_F_CANARY': 0x08, 'TD_FAULT_F_PREVIOUS': 0x10, 'TD_FAULT_F_MASKED': 0x20,
    'TD_FAULT_F_CONSOLE': 0x40,
}
MAX_THREADS = 64          # per core: a longer list is reported as corrupt
MAX_STACK_SCAN = 0x10000  # bytes of paint looked at per stack


class LayoutError(gdb.GdbError):
    pass


def const(name):
    try:
        return int(gdb.parse_and_eval(name))
    except gdb.error:
        return CONSTANTS[name]


def global_value(name, key):
    try:
        return gdb.parse_and_eval(name)
    except gdb.error:
        raise LayoutError("tandem: the program has no symbol '%s' (LAYOUT['%s'] in tools/gdb/tandem.py): "
                          "not a tandem program, or the kernel renamed it" % (name, key))


def static_value(name, key, want_field):
    """A file-scope static of the kernel: the one named `name` whose type has `want_field`."""
    syms = []
    try:
        syms = gdb.lookup_static_symbols(name)
    except AttributeError:          # GDB before 10
        s = gdb.lookup_static_symbol(name)
        syms = [s] if s else []
    for s in syms:
        v = s.value()
        t = v.type.strip_typedefs()
        if t.code == gdb.TYPE_CODE_ARRAY:
            t = t.target().strip_typedefs()
        if t.code == gdb.TYPE_CODE_STRUCT and want_field in [f.name for f in t.fields()]:
            return v
    raise LayoutError("tandem: the program has no static '%s' with a field '%s' (LAYOUT['%s'] in tools/gdb/tandem.py): "
                      "the kernel renamed or moved it" % (name, want_field, key))


def struct_of(v):
    t = v.type.strip_typedefs()
    while t.code in (gdb.TYPE_CODE_PTR, gdb.TYPE_CODE_ARRAY):
        t = t.target().strip_typedefs()
    return t


def check_fields(v, group):
    """Every field of LAYOUT[group] must exist in v's struct type."""
    t = struct_of(v)
    have = [f.name for f in t.fields()]
    for key, name in LAYOUT[group].items():
        if name not in have:
            raise LayoutError("tandem: %s has no field '%s' (LAYOUT['%s']['%s'] in tools/gdb/tandem.py); "
                              "its fields are: %s" % (t.name or t.tag or 'the type', name, group, key, ', '.join(have)))


def f(v, group, key):
    return v[LAYOUT[group][key]]


def enum_names(key):
    name = LAYOUT[key]
    try:
        t = gdb.lookup_type(name)
    except gdb.error:
        raise LayoutError("tandem: the program has no type '%s' (LAYOUT['%s'] in tools/gdb/tandem.py)" % (name, key))
    return {int(e.enumval): e.name for e in t.fields()}


def short(enum_name, prefix):
    return enum_name[len(prefix):].lower() if enum_name.startswith(prefix) else enum_name


def read_u32s(addr, count):
    mem = gdb.selected_inferior().read_memory(addr, 4 * count)
    b = bytes(mem)
    return [int.from_bytes(b[i:i + 4], 'little') for i in range(0, len(b), 4)]


def cstring(v, limit=32):
    try:
        if int(v) == 0:
            return ''
        return v.string()[:limit]
    except (gdb.error, gdb.MemoryError, UnicodeDecodeError):
        return '?'


def quiet(cmd):
    """What GDB command cmd prints, and only that: with 'set trace-commands
    on' GDB would put its own '+cmd' echo in front."""
    tracing = gdb.parameter('trace-commands')
    if tracing:
        gdb.execute('set trace-commands off', to_string=True)
    try:
        return gdb.execute(cmd, to_string=True)
    finally:
        if tracing:
            gdb.execute('set trace-commands on', to_string=True)


def where(addr, stop=None):
    """'name+off' for an address (a field path inside the object when the type is known,
    down to a member of type `stop` if given)."""
    try:
        out = quiet('info symbol 0x%x' % addr).strip()
    except gdb.error:
        return '0x%08x' % addr
    if out.startswith('No symbol'):
        return '0x%08x' % addr
    head = out.split(' in section')[0]
    parts = head.split(' + ')
    name, off = parts[0], int(parts[1]) if len(parts) > 1 else 0
    try:
        v = gdb.parse_and_eval("'%s'" % name) if ' ' not in name else None
    except gdb.error:
        v = None
    if v is None:
        return head.replace(' + ', '+')
    return name + member_path(v.type, off, stop)


def member_path(t, off, stop=None):
    t = t.strip_typedefs()
    if off == 0 and stop is not None and t == stop:
        return ''
    if off == 0 and t.code not in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_ARRAY):
        return ''
    if t.code == gdb.TYPE_CODE_ARRAY:
        el = t.target()
        n = el.sizeof
        if n == 0:
            return '+%d' % off
        return '[%d]' % (off // n) + member_path(el, off % n, stop)
    if t.code == gdb.TYPE_CODE_STRUCT:
        for fl in t.fields():
            if not hasattr(fl, 'bitpos') or fl.bitpos is None:
                continue
            start = fl.bitpos // 8
            if start <= off < start + fl.type.sizeof:
                return '.' + fl.name + member_path(fl.type, off - start, stop)
    return '+%d' % off if off else ''


def enclosing_block(addr):
    """(start, size) of the static object (or array element of arrays) holding addr, or None."""
    try:
        out = quiet('info symbol 0x%x' % addr).strip()
    except gdb.error:
        return None
    if out.startswith('No symbol'):
        return None
    head = out.split(' in section')[0]
    parts = head.split(' + ')
    name, off = parts[0], int(parts[1]) if len(parts) > 1 else 0
    try:
        v = gdb.parse_and_eval("'%s'" % name)
    except gdb.error:
        return None
    t = v.type.strip_typedefs()
    start = addr - off
    size = t.sizeof
    # an array of stacks (one per core): the element holding addr
    if t.code == gdb.TYPE_CODE_ARRAY and t.target().strip_typedefs().code == gdb.TYPE_CODE_ARRAY:
        size = t.target().sizeof
        start += (off // size) * size
    return start, size


def stack_info(t, sp_now):
    """Stack use of thread t: (text for used/size, free bytes, guard text)."""
    base = int(f(t, 'thread', 'stack'))
    paint, canary = const('TD_STACK_PAINT'), const('TD_STACK_CANARY')
    # guard: the canary right below the usable stack (the word holds its own
    # address), then the guard's canary paint below it
    try:
        below = read_u32s(base - 64, 16)
    except gdb.MemoryError:
        below = []
    intact = bool(below) and below[-1] == (base - 4) & 0xffffffff
    guard = 4 if intact else 0
    for w in (reversed(below[:-1]) if intact else []):
        if w != canary:
            break
        guard += 4
    # the RP2040's port keeps the guard's MPU register values (RBAR, RASR)
    # in its two lowest words, below the canary: the guard's too
    size = const('PORT_STACK_GUARD')
    if below and guard == size - 8:
        rbar = below[len(below) - size // 4]
        if rbar == ((base - size) & ~0xff) | const('ARMV6M_GUARD_RBAR_TAG'):
            guard += 8
    guard_text = ('ok (%d B)' % guard) if intact else 'OVERWRITTEN'
    # free: paint from the bottom up
    blk = enclosing_block(base - 4)
    top = blk[0] + blk[1] if blk else None
    limit = (top - base) if top else MAX_STACK_SCAN
    free, chunk = 0, 64
    while free < limit:
        n = min(chunk, (limit - free) // 4)
        if n <= 0:
            break
        try:
            words = read_u32s(base + free, n)
        except gdb.MemoryError:
            break
        k = 0
        while k < len(words) and words[k] == paint:
            k += 1
        free += 4 * k
        if k < len(words):
            break
    if top:
        size = top - base
        now = ' now %d' % (top - sp_now) if sp_now and base <= sp_now <= top else ''
        return '%d/%d%s' % (size - free, size, now), free, guard_text
    return '?/? (%d B never used)' % free, free, guard_text


def core_sp(core):
    """The thread stack pointer (PSP) of `core` (GDB thread core + 1), or None."""
    for th in gdb.selected_inferior().threads():
        if th.ptid[1] == core + 1 or th.num == core + 1 and th.ptid[1] == 0:
            cur = gdb.selected_thread()
            try:
                th.switch()
                return int(gdb.parse_and_eval('$psp')) & 0xffffffff
            except gdb.error:
                return None
            finally:
                if cur is not None:
                    cur.switch()
    return None


def layout_type(key):
    name = LAYOUT[key]
    try:
        return gdb.lookup_type(name)
    except gdb.error:
        raise LayoutError("tandem: the program has no type '%s' (LAYOUT['%s'] in tools/gdb/tandem.py)" % (name, key))


def wait_text(t, state, tick, c):
    flags = int(f(t, 'thread', 'flags'))
    timed = flags & const('TF_TIMED')
    until = ''
    if timed:
        wake = int(f(t, 'thread', 'wake'))
        until = 'until tick %d (in %d)' % (wake, (wake - tick) & 0xffffffff)
    if state == 'SLEEPING':
        return 'sleep ' + (until or '(no timeout)')
    if state == 'BLOCKED':
        what = []
        wq = int(f(t, 'thread', 'wait_list'))
        if wq and wq == int(f(c, 'core', 'xwaiters').address) and flags & const('TF_OPS'):
            # a cross-core object: the core's list is shared, the wait names it
            w = f(t, 'thread', 'wait_data')['p'].cast(layout_type('wait_type').pointer()).dereference()
            check_fields(w, 'wait')
            xw = layout_type('xwaits_type').strip_typedefs()
            what.append('cross-core ' + where(int(f(w, 'wait', 'obj')), xw))
        elif wq:
            what.append(where(wq))
        return ' '.join(what + [until or 'forever'])
    if state == 'SUSPENDED':
        return 'resume'
    return '-'


def thread_list(c):
    """The core's threads: started ones, then idle (each once)."""
    out, seen = [], set()
    t = f(c, 'core', 'threads')
    while int(t) and len(out) < MAX_THREADS:
        if int(t) in seen:
            break
        seen.add(int(t))
        out.append(t)
        t = f(t.dereference(), 'thread', 'next_started')
    if int(t) and int(t) not in seen:
        raise gdb.GdbError('tandem: more than %d threads on one core: the list looks corrupt' % MAX_THREADS)
    idle = f(c, 'core', 'idle')
    if int(idle) and int(idle) not in seen:
        out.append(idle)
    return out


def ctx_sp(ctx):
    """The stack pointer a saved context holds: its kind is tagged in its
    low bits, or (ARMv6-M's short frame, port/arch/armv6m/switch.S) it is
    the stack pointer inverted, bit 31 set."""
    ctx &= 0xffffffff
    return (~ctx & 0xffffffff) if ctx & 0x80000000 else ctx & ~3


def cmd_threads():
    cores = global_value(LAYOUT['cores'], 'cores')
    check_fields(cores, 'core')
    states = {k: short(v, 'TD_THREAD_') .upper() for k, v in enum_names('thread_states').items()}
    n = cores.type.strip_typedefs().range()[1] + 1
    first = True
    for i in range(n):
        c = cores[i]
        if not first:
            print('')
        first = False
        if not int(f(c, 'core', 'running')):
            print('core %d: kernel not running' % i)
            continue
        tick = int(f(c, 'core', 'tick'))
        cur = int(f(c, 'core', 'current'))
        print('core %d (GDB thread %d): tick %d, %d switches' % (i, i + 1, tick, int(f(c, 'core', 'switches'))))
        print('  %-1s %-14s %-10s %-8s %-34s %-18s %s' % ('', 'thread', 'state', 'prio', 'waits for', 'stack used/size', 'guard'))
        threads = thread_list(c)
        if threads:
            check_fields(threads[0].dereference(), 'thread')
        sp_cur = core_sp(i)
        for tp in threads:
            t = tp.dereference()
            st = states.get(int(f(t, 'thread', 'state')), '?%d' % int(f(t, 'thread', 'state')))
            if int(tp) == cur and st == 'READY':
                st = 'RUNNING'
            prio = int(f(t, 'thread', 'prio'))
            base = int(f(t, 'thread', 'base'))
            ptext = str(prio) if prio == base else '%d(%d)' % (prio, base)
            sp_now = sp_cur if int(tp) == cur else ctx_sp(int(f(t, "thread", "ctx")))
            used, _free, guard = stack_info(t, sp_now)
            print('  %-1s %-14s %-10s %-8s %-34s %-18s %s' % (
                '*' if int(tp) == cur else '', cstring(f(t, 'thread', 'name'), 14) or '(no name)', st, ptext,
                wait_text(t, st, tick, c), used, guard))


def cmd_faults():
    fc = static_value(LAYOUT['fault_state'], 'fault_state', LAYOUT['fault']['record'])
    check_fields(fc, 'fault')
    cores = global_value(LAYOUT['cores'], 'cores')
    check_fields(cores, 'core')
    rec0 = f(fc[0], 'fault', 'record')
    check_fields(rec0, 'record')
    reasons = {k: short(v, 'TD_FAULT_').replace('_', ' ') for k, v in enum_names('fault_reasons').items()}
    policies = {k: short(v, 'TD_FAULT_').replace('_', ' ') for k, v in enum_names('fault_policies').items()}
    cstates = {k: short(v, 'TD_CORE_') for k, v in enum_names('core_states').items()}
    n = fc.type.strip_typedefs().range()[1] + 1
    flag_names = [(const(k), k[len('TD_FAULT_F_'):].lower().replace('_', ' ')) for k in CONSTANTS if k.startswith('TD_FAULT_F_')]
    for i in range(n):
        s = fc[i]
        r = f(s, 'fault', 'record')
        seq = int(f(r, 'record', 'seq'))
        head = 'core %d: %s, policy %s, %d fault(s)' % (
            i, cstates.get(int(f(cores[i], 'core', 'state')), '?'), policies.get(int(f(s, 'fault', 'policy')), '?'),
            int(f(s, 'fault', 'count')))
        print(head)
        if not seq:
            print('  no fault recorded')
            continue
        reason = reasons.get(int(f(r, 'record', 'reason')), '?')
        thread = cstring(f(r, 'record', 'thread').address.cast(gdb.lookup_type('char').pointer()), 16)
        exc = int(f(r, 'record', 'exc'))
        print('  last fault #%d: %s in %s%s, action %s, at %d us' % (
            seq, reason, ('thread ' + thread) if thread else 'no thread', (', exception %d' % exc) if exc else '',
            policies.get(int(f(r, 'record', 'action')), '?'), int(f(r, 'record', 'time_us'))))
        regs = ' '.join('%s=0x%08x' % (k, int(f(r, 'record', k)) & 0xffffffff) for k in ('pc', 'lr', 'sp', 'xpsr', 'addr'))
        print('  ' + regs)
        pc = int(f(r, 'record', 'pc'))
        if pc:
            print('  pc is %s' % where(pc & ~1))
        text = cstring(f(r, 'record', 'text'), 80)
        file = cstring(f(r, 'record', 'file'), 80)
        if file or text:
            print('  %s%s%s' % (file, (':%d' % int(f(r, 'record', 'line'))) if file else '', (' ' + text) if text else ''))
        fl = int(f(r, 'record', 'flags'))
        names = [name for bit, name in flag_names if fl & bit]
        if names:
            print('  flags: ' + ', '.join(names))


def thread_name_at(addr):
    """The name of the thread at addr, or None."""
    if addr == 0:
        return None
    try:
        t = gdb.lookup_type('td_thread_t').pointer()
        name = gdb.Value(addr).cast(t).dereference()[LAYOUT['thread']['name']]
        if not int(name):
            return None
        raw = bytes(gdb.selected_inferior().read_memory(int(name), 32))
        return raw.split(b'\0')[0].decode('latin-1')
    except (gdb.error, gdb.MemoryError, UnicodeDecodeError):
        return None


# a of irq-enter/exit: the handler (kernel/trace.h's TD_TR_IRQ_*); for a device's (3) b is its
# interrupt number, named by the RP2040's table (datasheet 2.3.2) in a program for that chip
TRACE_IRQS = {1: 'tick', 2: 'FIFO', 3: 'device'}
RP2040_IRQS = ['TIMER_IRQ_0', 'TIMER_IRQ_1', 'TIMER_IRQ_2', 'TIMER_IRQ_3', 'PWM_IRQ_WRAP', 'USBCTRL_IRQ',
               'XIP_IRQ', 'PIO0_IRQ_0', 'PIO0_IRQ_1', 'PIO1_IRQ_0', 'PIO1_IRQ_1', 'DMA_IRQ_0', 'DMA_IRQ_1',
               'IO_IRQ_BANK0', 'IO_IRQ_QSPI', 'SIO_IRQ_PROC0', 'SIO_IRQ_PROC1', 'CLOCKS_IRQ', 'SPI0_IRQ',
               'SPI1_IRQ', 'UART0_IRQ', 'UART1_IRQ', 'ADC_IRQ_FIFO', 'I2C0_IRQ', 'I2C1_IRQ', 'RTC_IRQ']


def irq_names():
    """The chip's interrupt names, if the program is for the RP2040 (its vector table), else None."""
    try:
        gdb.parse_and_eval('rp2040_vectors_flash')
        return RP2040_IRQS
    except gdb.error:
        return None


def word_text(v, is_thread, kind=0, a=0, names=None):
    if kind in (4, 5) and a == 3:       # b of a device handler's event: its interrupt number
        return names[v] if names and v < len(names) else 'irq %d' % v
    if kind in (4, 5) and v in TRACE_IRQS:
        return TRACE_IRQS[v]
    if is_thread:
        n = thread_name_at(v)
        if n is not None:
            return n
        if v == 0:
            return '-'
    return '0x%08x' % v


def cmd_trace(arg):
    want = 16
    if arg:
        try:
            want = int(arg, 0)
        except ValueError:
            raise gdb.GdbError("tandem trace: '%s' is not a number of events" % arg)
        if want < 1:
            raise gdb.GdbError('tandem trace: the number of events must be at least 1')
    try:
        rings = gdb.parse_and_eval(LAYOUT['trace_rings'])
    except gdb.error:
        raise LayoutError("tandem trace: the program has no '%s' (LAYOUT['trace_rings'] in tools/gdb/tandem.py): "
                          "it was not built with TRACE=ring (docs/trace.md)" % LAYOUT['trace_rings'])
    check_fields(rings, 'ring')
    lo, hi = rings.type.strip_typedefs().range()
    names = irq_names()
    for core in range(lo, hi + 1):
        ring = rings[core]
        head = int(f(ring, 'ring', 'head'))
        ev = f(ring, 'ring', 'events')
        elo, ehi = ev.type.strip_typedefs().range()
        size = ehi - elo + 1
        n = min(want, head, size)
        print('core %d: %d events written, the last %d (ring of %d):' % (core, head, n, size))
        if n:
            check_fields(ev[0], 'event')
            print('    %-6s %-10s  %-12s %-18s %s' % ('seq', 'cycles', 'kind', 'a', 'b'))
        for i in range(head - n, head):
            e = ev[i % size]
            kind = int(f(e, 'event', 'kind'))
            name, threads = TRACE_KINDS.get(kind, ('kind %d' % kind, ''))
            a = int(f(e, 'event', 'a')) & 0xffffffff
            b = int(f(e, 'event', 'b')) & 0xffffffff
            print('    %-6d %-10d  %-12s %-18s %s' % (int(f(e, 'event', 'seq')), int(f(e, 'event', 'cycles')) & 0xffffffff,
                                                   name, word_text(a, 'a' in threads, kind),
                                                   word_text(b, 'b' in threads, kind, a, names)))
        if core < hi:
            print('')


class Tandem(gdb.Command):
    """tandem's threads and fault records on both cores.

tandem threads  every tandem thread on both cores: state, priority (effective(base) when
                inherited), what it waits for, stack used/size (high-water mark from the
                paint, 'now' from the stack pointer) and the guard below the stack
tandem faults   each core's fault record and supervision state
tandem trace N  each core's last N events (16) in the kernel's RAM trace ring (TRACE=ring)
tandem          threads and faults"""

    def __init__(self):
        super().__init__('tandem', gdb.COMMAND_DATA, gdb.COMPLETE_NONE, True)

    def invoke(self, arg, from_tty):
        arg = arg.strip()
        if arg in ('', 'all'):
            cmd_threads()
            print('')
            cmd_faults()
        elif arg == 'threads':
            cmd_threads()
        elif arg == 'faults':
            cmd_faults()
        elif arg.split()[0] == 'trace':
            cmd_trace(arg[len('trace'):].strip())
        else:
            raise gdb.GdbError("tandem: unknown subcommand '%s' (threads, faults, trace)" % arg)


class TandemThreads(gdb.Command):
    """Every tandem thread on both cores (see 'help tandem')."""

    def __init__(self):
        super().__init__('tandem threads', gdb.COMMAND_DATA, gdb.COMPLETE_NONE)

    def invoke(self, arg, from_tty):
        cmd_threads()


class TandemFaults(gdb.Command):
    """Each core's fault record (see 'help tandem')."""

    def __init__(self):
        super().__init__('tandem faults', gdb.COMMAND_DATA, gdb.COMPLETE_NONE)

    def invoke(self, arg, from_tty):
        cmd_faults()


class TandemTrace(gdb.Command):
    """Each core's last N events (16) in the kernel's RAM trace ring (see 'help tandem')."""

    def __init__(self):
        super().__init__('tandem trace', gdb.COMMAND_DATA, gdb.COMPLETE_NONE)

    def invoke(self, arg, from_tty):
        cmd_trace(arg.strip())


Tandem()
TandemThreads()
TandemFaults()
TandemTrace()
