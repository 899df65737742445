package script

import "github.com/dop251/goja"

// guards closes the ways a script can make goja do unbounded work in one native call, which an
// interrupt can't stop and which can take the whole process down (a sort or apply over an
// array-like of length 2^32 allocates 64 GiB at once: a fatal out-of-memory, not a panic; a
// join of a thousand references to a 16 MiB string builds 16 GiB before the watchdog can look).
// The allocation watchdog stops a script that grows what it holds step by step; the guards
// bound what one step may build:
//
//   - builders (repeat, padStart, padEnd, join and the array toString and toLocaleString that go
//     through it, String.prototype.concat, String.raw, replace and replaceAll, JSON.stringify)
//     may build at most max chars: what they would build is added up before they run, from
//     their inputs converted once (so each toString a script wrote still runs once);
//   - walkers that turn a string into many values (split, match, matchAll, the string iterator
//     behind spread, Array.from and for-of, Object.keys and the like, JSON.parse) or into a
//     multiple of itself (normalize, case changes, encodeURI and escape) take at most max chars,
//     and those that make one value per char (the iterator, Object.keys and the like) at most
//     max/16: a property or an iteration step costs a few hundred bytes;
//   - array-likes handed to Array.prototype methods, apply, Reflect, Array.from and
//     JSON.stringify hold at most max elements, and Array.prototype.concat and flat build at
//     most that many;
//   - the Function constructors and eval compile at most maxSource chars: goja's parser
//     recurses once per nesting level, and a few hundred thousand nested brackets overflow
//     the goroutine stack, which is fatal to the process.
//
// Past a bound they throw a RangeError, as V8 does past its own limits. Binary buffers
// (ArrayBuffer, typed arrays) and BigInt are left out: buffers allocate their whole length up
// front, one BigInt operator (1n << 2n**40n) allocates terabytes, and no message needs either
// (Compile refuses BigInt literals). A script shares nothing with the guards: everything they
// call is captured at install, so a script that shadows a global or, in a fresh sandbox,
// patches a prototype can't switch one off.
const guardsSrc = `(function (max, maxSource, global) {
  var apply = Reflect.apply, construct = Reflect.construct, isArray = Array.isArray, keys = Object.keys,
      defineProperty = Object.defineProperty, gopd = Object.getOwnPropertyDescriptor, getProto = Object.getPrototypeOf,
      Num = Number, floor = Math.floor, mathMax = Math.max, mathMin = Math.min, RangeErr = RangeError,
      SetC = Set, RegExpC = RegExp, FunctionC = Function, ObjectC = Object,
      uncurry = Function.prototype.bind.bind(Function.prototype.call),
      setHas = uncurry(Set.prototype.has), setAdd = uncurry(Set.prototype.add), setDelete = uncurry(Set.prototype.delete),
      indexOf = uncurry(String.prototype.indexOf), stringValue = uncurry(String.prototype.valueOf),
      exec = uncurry(RegExp.prototype.exec), regexpSource = uncurry(gopd(RegExp.prototype, 'source').get),
      iteratorSym = Symbol.iterator, few = max >> 4, matchCap = max >> 7;
  // def installs fn as obj[name], named as the native it stands for.
  function def(obj, name, fn) {
    defineProperty(fn, 'name', {value: typeof name === 'symbol' ? '[' + name.description + ']' : name, configurable: true});
    defineProperty(obj, name, {value: fn, writable: true, configurable: true, enumerable: false});
  }
  function check(n) { if (!(n <= max)) throw new RangeErr('Invalid string length'); }
  function checkCount(n) { if (!(n <= max)) throw new RangeErr('Invalid array length'); }
  function checkFew(n) { if (!(n <= few)) throw new RangeErr('Invalid string length'); }
  function checkParts(n) { if (!(n <= few)) throw new RangeErr('Invalid array length'); }
  function checkMatches(n) { if (!(n <= matchCap)) throw new RangeErr('Invalid array length'); }
  // str is ToString, once: the guards hand natives what they converted, never the original.
  function str(v) { return typeof v === 'string' ? v : ` + "`${v}`" + `; }
  function lengthOf(o) {
    if (o === null || (typeof o !== 'object' && typeof o !== 'function')) return 0;
    var n = Num(o.length);
    return n > 0 ? n : 0;
  }
  function toLength(v) { var n = Num(v); return n > 0 ? mathMin(floor(n), 9007199254740991) : 0; }
  function checkLength(o) { if (lengthOf(o) > max) throw new RangeErr('Invalid array length'); }
  // stringLength is the length of a string or of a String object (a length over few is
  // confirmed through the object's string value, so an array-like pays nothing), else 0.
  function stringLength(v) {
    if (typeof v === 'string') return v.length;
    var n = lengthOf(v);
    if (n <= few) return n;
    try { return stringValue(v).length; } catch (e) { return 0; }
  }
  function isObject(v) { return v !== null && (typeof v === 'object' || typeof v === 'function'); }
  function isRegExp(v) { try { regexpSource(v); return isObject(v); } catch (e) { return false; } }

  var repeat = String.prototype.repeat, padStart = String.prototype.padStart, padEnd = String.prototype.padEnd,
      join = Array.prototype.join, toLocale = Array.prototype.toLocaleString, sconcat = String.prototype.concat,
      raw = String.raw, replace = String.prototype.replace, replaceAll = String.prototype.replaceAll,
      split = String.prototype.split, stringIterator = String.prototype[iteratorSym],
      reReplace = RegExp.prototype[Symbol.replace], reSplit = RegExp.prototype[Symbol.split],
      reMatch = RegExp.prototype[Symbol.match], reMatchAll = RegExp.prototype[Symbol.matchAll],
      aconcat = Array.prototype.concat, flat = Array.prototype.flat, parse = JSON.parse;

  def(String.prototype, 'repeat', function repeat_(count) {
    if (this == null) return apply(repeat, this, [count]);
    var s = str(this), n = Num(count);
    check(s.length * mathMax(0, n || 0));
    return apply(repeat, s, [n]);
  });
  def(String.prototype, 'padStart', function padStart_(n, f) {
    if (this == null) return apply(padStart, this, [n, f]);
    var s = str(this); n = Num(n); check(n || 0); return apply(padStart, s, [n, f]);
  });
  def(String.prototype, 'padEnd', function padEnd_(n, f) {
    if (this == null) return apply(padEnd, this, [n, f]);
    var s = str(this); n = Num(n); check(n || 0); return apply(padEnd, s, [n, f]);
  });

  // join converts each element once and joins the strings, so it knows the size first. joining
  // is the arrays being joined, as goja keeps them: a cycle joins as '' (as in V8), not for ever.
  var joining = new SetC();
  function joinWith(o, sep, convert) {
    if (o == null) return undefined;
    var obj = isObject(o) ? o : ObjectC(o), n = toLength(obj.length), total = n > 1 ? (n - 1) * sep.length : 0;
    check(total);
    checkCount(n);
    if (setHas(joining, obj)) return '';
    setAdd(joining, obj);
    try {
      var parts = [];
      for (var i = 0; i < n; i++) {
        var e = obj[i], t = e === undefined || e === null ? '' : convert(e);
        total += t.length;
        check(total);
        parts[i] = t;
      }
      return apply(join, parts, [sep]);
    } finally {
      setDelete(joining, obj);
    }
  }
  def(Array.prototype, 'join', function join_(sep) {
    if (this == null) return apply(join, this, [sep]);
    return joinWith(this, sep === undefined ? ',' : str(sep), str);
  });
  def(Array.prototype, 'toLocaleString', function toLocaleString_() {
    if (this == null) return apply(toLocale, this, []);
    return joinWith(this, ',', function (e) { return str(e.toLocaleString()); });
  });
  def(String.prototype, 'concat', function concat_() {
    if (this == null) return apply(sconcat, this, arguments);
    var parts = [str(this)], total = parts[0].length;
    for (var i = 0; i < arguments.length; i++) {
      var t = str(arguments[i]);
      total += t.length;
      check(total);
      parts[i + 1] = t;
    }
    check(total);
    return apply(join, parts, ['']);
  });
  def(String, 'raw', function raw_(template) {
    if (template == null) return apply(raw, this, arguments);
    var literals = ObjectC(ObjectC(template).raw), n = toLength(literals.length), parts = [], total = 0;
    checkCount(n);
    for (var i = 0; i < n; i++) {
      var t = str(literals[i]);
      total += t.length;
      check(total);
      parts[parts.length] = t;
      if (i + 1 === n) break;
      if (i + 1 < arguments.length) {
        var u = str(arguments[i + 1]);
        total += u.length;
        check(total);
        parts[parts.length] = u;
      }
    }
    return apply(join, parts, ['']);
  });

  // replace and replaceAll with a string replacement build the source with every match
  // replaced: at most len + matches * (replacement + len for each $' or $\x60) + len for each
  // $&, $n or $<name> in all (matches don't overlap). When the quick bound, with a match at
  // every position, is too large, the matches are counted first, on a copy of the pattern.
  // A function replacement is the script's own code, which an interrupt reaches; what goja
  // collects before calling it (one entry per match) is bounded by the count.
  function dollars(r) {
    var each = 0, total = 0, i = indexOf(r, '$');
    while (i >= 0 && i + 1 < r.length) {
      var c = r[i + 1];
      if (c === '\x60' || c === "'") each++;
      else if (c === '&' || c === '<' || (c >= '0' && c <= '9')) total++;
      i = indexOf(r, '$', i + (c === '$' ? 2 : 1));
    }
    return [each, total];
  }
  function countString(s, p) {
    if (p === '') return s.length + 1;
    var n = 0, i = indexOf(s, p, 0);
    while (i >= 0) { n++; checkParts(n); i = indexOf(s, p, i + p.length); }
    return n;
  }
  // countRegExp counts the matches of the global re in s, on a copy of re, and refuses more than
  // matchCap: goja finds every match of a global regular expression before it uses any (split
  // and its limit included), at a kilobyte or more each, so the count is what bounds the work.
  function countRegExp(re, s) {
    var c = new RegExpC(re), n = 0;
    c.lastIndex = 0;
    for (;;) {
      var m = exec(c, s);
      if (m === null) return n;
      n++;
      checkMatches(n);
      if (m[0] === '') c.lastIndex = c.lastIndex + 1;
    }
  }
  // replaced checks a replacement of s, which has at most most matches (count tells exactly),
  // and makes it: call(repl) with the replacement converted.
  function replaced(s, repl, most, cap, count, call) {
    check(s.length);
    if (typeof repl === 'function') {
      if (most > cap) count();
      return call(repl);
    }
    repl = str(repl);
    var len = s.length, d = dollars(repl), size = function (m) { return len + m * (repl.length + d[0] * len) + d[1] * len; };
    if (most > cap || !(size(most) <= max)) check(size(count()));
    return call(repl);
  }
  function stringReplace(native, all) {
    return function (pattern, repl) {
      if (this == null || isObject(pattern)) return apply(native, this, [pattern, repl]);
      var s = str(this), p = str(pattern);
      var most = all ? (p === '' ? s.length + 1 : floor(s.length / p.length) + 1) : 1;
      return replaced(s, repl, most, few, function () { return all ? countString(s, p) : mathMin(1, countString(s, p)); },
        function (r) { return apply(native, s, [p, r]); });
    };
  }
  def(String.prototype, 'replace', stringReplace(replace, false));
  def(String.prototype, 'replaceAll', stringReplace(replaceAll, true));
  def(RegExp.prototype, Symbol.replace, function (string, repl) {
    if (!isRegExp(this)) return apply(reReplace, this, [string, repl]);
    var re = this, s = str(string), g = isGlobal(re);
    return replaced(s, repl, g ? s.length + 1 : 1, matchCap, function () { return g ? countRegExp(re, s) : 1; },
      function (r) { return apply(reReplace, re, [s, r]); });
  });

  // split by a string hands the native a limit of few+1 parts when it could make more: the same
  // parts when there are at most few, and no more than one too many to refuse. A regular
  // expression finds every match whatever the limit (countRegExp), so a long string's are
  // counted first.
  function splitter(native, object) {
    return function (a, limit) {
      if (this == null || (!object && isObject(a))) return apply(native, this, [a, limit]);
      var self = object ? this : str(this), s = object ? str(a) : self;
      check(s.length);
      var lim = limit === undefined ? 4294967295 : Num(limit) >>> 0;
      if (object && s.length > matchCap && isRegExp(self)) countRegExp(new RegExpC(self, 'g'), s);
      var args = object ? [s, mathMin(lim, few + 1)] : [a === undefined ? a : str(a), mathMin(lim, few + 1)];
      var parts = apply(native, self, args);
      checkParts(parts.length);
      return parts;
    };
  }
  def(String.prototype, 'split', splitter(split, false));
  def(RegExp.prototype, Symbol.split, splitter(reSplit, true));
  function isGlobal(re) { return indexOf(str(re.flags), 'g') >= 0; }
  def(RegExp.prototype, Symbol.match, function (string) {
    if (!isRegExp(this)) return apply(reMatch, this, [string]);
    var s = str(string);
    check(s.length);
    if (s.length > matchCap && isGlobal(this)) countRegExp(this, s);
    return apply(reMatch, this, [s]);
  });
  def(RegExp.prototype, Symbol.matchAll, function (string) {
    if (!isRegExp(this)) return apply(reMatchAll, this, [string]);
    var s = str(string);
    check(s.length);
    if (s.length > matchCap && isGlobal(this)) countRegExp(this, s);
    return apply(reMatchAll, this, [s]);
  });
  def(String.prototype, iteratorSym, function () {
    if (this == null) return apply(stringIterator, this, []);
    var s = str(this); checkFew(s.length); return apply(stringIterator, s, []);
  });
  ['normalize', 'toUpperCase', 'toLowerCase', 'toLocaleUpperCase', 'toLocaleLowerCase'].forEach(function (name) {
    var fn = String.prototype[name];
    def(String.prototype, name, function () {
      if (this == null) return apply(fn, this, arguments);
      var s = str(this); check(s.length); return apply(fn, s, arguments);
    });
  });
  ['encodeURI', 'encodeURIComponent', 'escape'].forEach(function (name) {
    var fn = global[name];
    if (typeof fn !== 'function') return;
    def(global, name, function (v) { var s = str(v); check(s.length); return fn(s); });
  });
  ['keys', 'values', 'entries', 'getOwnPropertyNames', 'getOwnPropertyDescriptors'].forEach(function (name) {
    var fn = Object[name];
    def(Object, name, function (o) { checkFew(stringLength(o)); return fn(o); });
  });
  var assign = Object.assign;
  def(Object, 'assign', function assign_(target) {
    for (var i = 1; i < arguments.length; i++) checkFew(stringLength(arguments[i]));
    return apply(assign, ObjectC, arguments);
  });
  def(JSON, 'parse', function parse_(text, reviver) {
    var s = str(text); check(s.length); return apply(parse, JSON, [s, reviver]);
  });

  // Every method that walks or copies the array natively (named rather than enumerated: reading
  // the whole prototype costs each fresh sandbox a few hundred microseconds).
  ['at', 'copyWithin', 'entries', 'every', 'fill', 'filter', 'find', 'findIndex', 'findLast',
   'findLastIndex', 'flatMap', 'forEach', 'includes', 'indexOf', 'keys', 'lastIndexOf', 'map',
   'reduce', 'reduceRight', 'reverse', 'shift', 'slice', 'some', 'sort', 'splice',
   'toReversed', 'toSorted', 'toSpliced', 'toString', 'unshift', 'values', 'with'].forEach(function (name) {
    var fn = Array.prototype[name];
    if (typeof fn !== 'function') return;
    def(Array.prototype, name, function () {
      checkLength(this);
      for (var i = 0; i < arguments.length; i++) if (isArray(arguments[i])) checkLength(arguments[i]);
      return apply(fn, this, arguments);
    });
  });
  defineProperty(Array.prototype, iteratorSym, {value: Array.prototype.values, writable: true, configurable: true, enumerable: false});
  // concat and flat build one array out of many: the sum of their lengths is bounded.
  def(Array.prototype, 'concat', function concat_() {
    var total = isObject(this) ? lengthOf(this) : 1;
    checkCount(total);
    for (var i = 0; i < arguments.length; i++) { total += isObject(arguments[i]) ? lengthOf(arguments[i]) : 1; checkCount(total); }
    return apply(aconcat, this, arguments);
  });
  // flatCount adds up the elements flat would make: a nested array on the last level counts by
  // its length, without a walk.
  function flatCount(o, depth, total) {
    var n = lengthOf(o);
    for (var i = 0; i < n; i++) {
      var e = o[i];
      if (depth > 0 && isArray(e)) total = depth > 1 ? flatCount(e, depth - 1, total) : total + lengthOf(e);
      else total++;
      checkCount(total);
    }
    return total;
  }
  def(Array.prototype, 'flat', function flat_(depth) {
    checkLength(this);
    var d = depth === undefined ? 1 : Num(depth);
    flatCount(this, d > 0 ? d : 0, 0);
    return apply(flat, this, [d]);
  });

  var from = Array.from, fnApply = Function.prototype.apply, stringify = JSON.stringify;
  def(Array, 'from', function from_(items) { checkLength(items); return apply(from, this, arguments); });
  def(Function.prototype, 'apply', function apply_(self, args) { checkLength(args); return apply(fnApply, this, arguments); });
  def(Reflect, 'apply', function (f, self, args) { checkLength(args); return apply(f, self, args); });
  def(Reflect, 'construct', function (f, args) { checkLength(args); return apply(construct, undefined, arguments); });

  // jsonSize adds up what JSON.stringify writes for v, per occurrence (a value referenced twice
  // is written twice): strings and keys with their quotes, at least a char for each other value,
  // indentation and newlines. What a toJSON or replacer function returns is the script's code,
  // which an interrupt reaches. path holds the objects being walked, depth of them: stringify
  // refuses a cycle, so the walk stops at one. Each array also has at most max elements.
  function jsonSize(v, indent, depth, path, total) {
    if (typeof v === 'string') return total + v.length + 2;
    if (!isObject(v) || typeof v === 'function') return total + 24;
    if (typeof v.toJSON === 'function') return total;
    for (var p = 0; p < depth; p++) if (path[p] === v) return total;
    var n = stringLength(v);
    if (n > 0 && !isArray(v)) { try { return total + stringValue(v).length + 2; } catch (e) {} }
    path[depth] = v;
    var line = indent ? 1 + (depth + 1) * indent : 0;
    if (isArray(v)) {
      checkLength(v);
      for (var i = 0; i < v.length; i++) { total = jsonSize(v[i], indent, depth + 1, path, total + 1 + line); check(total); }
    } else {
      var ks = keys(v);
      for (var j = 0; j < ks.length; j++) {
        total = jsonSize(v[ks[j]], indent, depth + 1, path, total + ks[j].length + 4 + line);
        check(total);
      }
    }
    return total + 2;
  }
  def(JSON, 'stringify', function stringify_(v, replacer, space) {
    checkLength(replacer);
    var indent = typeof space === 'number' ? mathMin(10, mathMax(0, floor(space))) : typeof space === 'string' ? mathMin(10, space.length) : space ? 10 : 0;
    check(jsonSize(v, indent, 0, [], 0));
    return stringify(v, replacer, space);
  });

  // The Function constructors and eval compile source: a run compiles at most maxSource chars.
  function compiling(native) {
    var wrapped = function () {
      var args = [], total = 0;
      for (var i = 0; i < arguments.length; i++) { args[i] = str(arguments[i]); total += args[i].length; }
      if (!(total <= maxSource)) throw new RangeErr('Invalid string length');
      return apply(native, undefined, args);
    };
    defineProperty(wrapped, 'name', {value: native.name, configurable: true});
    defineProperty(wrapped, 'length', {value: native.length, configurable: true});
    defineProperty(wrapped, 'prototype', {value: native.prototype});
    def(native.prototype, 'constructor', wrapped);
    return wrapped;
  }
  def(global, 'Function', compiling(FunctionC));
  // (goja has no async generators.)
  compiling(getProto(async function () {}).constructor);
  compiling(getProto(function* () {}).constructor);
  if (typeof global.eval === 'function') {
    var evaluate = global.eval;
    def(global, 'eval', function eval_(x) {
      if (typeof x === 'string' && !(x.length <= maxSource)) throw new RangeErr('Invalid string length');
      return evaluate(x);
    });
  }

  // What rewrite (rewrite.go) hands the operands of object spread and rest, for-in and template
  // literals to: fixed on String.prototype, where a script can neither replace nor shadow them.
  function fixed(name, fn) {
    defineProperty(fn, 'name', {value: name, configurable: true});
    defineProperty(String.prototype, name, {value: fn, writable: false, configurable: false, enumerable: false});
  }
  fixed('__notifysim_spread', function (v) { checkFew(stringLength(v)); return v; });
  fixed('__notifysim_template', function (strings) {
    var parts = [], total = 0, n = strings.length;
    for (var i = 0; i < n; i++) {
      parts[parts.length] = strings[i];
      total += strings[i].length;
      if (i + 1 < n) {
        var t = str(arguments[i + 1]);
        total += t.length;
        check(total);
        parts[parts.length] = t;
      }
    }
    check(total);
    return apply(join, parts, ['']);
  });

  ['ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Atomics', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray',
   'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array',
   'BigInt64Array', 'BigUint64Array', 'BigInt'].forEach(function (name) { delete global[name]; });
})`

var guards = goja.MustCompile("guards", guardsSrc, true)
