#include "core/rational.hpp"

#include <charconv>
#include <limits>

namespace clinvid {
namespace {

__extension__ typedef __int128 i128;  // GCC and Clang; exact 64x64 products
constexpr i128 kMax = std::numeric_limits<std::int64_t>::max();
constexpr i128 kMin = std::numeric_limits<std::int64_t>::min();

i128 abs128(i128 v) {
  return v < 0 ? -v : v;
}

i128 gcd128(i128 a, i128 b) {
  a = abs128(a);
  b = abs128(b);
  while (b != 0) {
    const i128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

bool fits(i128 v) {
  return v >= kMin && v <= kMax;
}

// n / d with d > 0, rounded as asked. Fails when `exact` and the division leaves a remainder.
Result<i128> divide(i128 n, i128 d, Rounding rounding) {
  i128 q = n / d;
  const i128 r = n % d;
  if (r == 0) return q;
  const i128 sign = n < 0 ? -1 : 1;
  const i128 twice = 2 * abs128(r);
  switch (rounding) {
    case Rounding::toward_zero: break;
    case Rounding::down:
      if (r < 0) --q;
      break;
    case Rounding::up:
      if (r > 0) ++q;
      break;
    case Rounding::nearest:
      if (twice >= d) q += sign;
      break;
    case Rounding::nearest_even:
      if (twice > d || (twice == d && (q % 2) != 0)) q += sign;
      break;
    case Rounding::exact: return fail(Errc::out_of_range, "rescale is not exact");
    case Rounding::invalid: return fail(Errc::invalid_argument, "rounding mode not set");
  }
  return q;
}

// Floor division for d > 0, giving 0 <= remainder < d.
void floor_divmod(i128 n, i128 d, i128& q, i128& r) {
  q = n / d;
  r = n % d;
  if (r < 0) {
    --q;
    r += d;
  }
}

// Scales value by p/q (q > 0) with overflow detection; p, q already reduced.
Result<std::int64_t> scale(std::int64_t value, i128 p, i128 q, Rounding rounding) {
  const i128 g = gcd128(value, q);
  i128 v = value;
  if (g > 1) {
    v /= g;
    q /= g;
  }
  if (p != 0 && abs128(v) > std::numeric_limits<i128>::max() / abs128(p)) {
    return fail(Errc::out_of_range, "time rescale overflows");
  }
  auto result = divide(v * p, q, rounding);
  if (!result) return tl::unexpected(result.error());
  if (!fits(*result)) return fail(Errc::out_of_range, "time rescale overflows int64");
  return static_cast<std::int64_t>(*result);
}

}  // namespace

Result<Rational> Rational::make(std::int64_t num, std::int64_t den) {
  if (den <= 0) return fail(Errc::invalid_argument, "rational: denominator must be positive");
  if (num <= 0) return fail(Errc::invalid_argument, "rational: numerator must be positive");
  const i128 g = gcd128(num, den);
  return Rational(static_cast<std::int64_t>(num / g), static_cast<std::int64_t>(den / g));
}

Result<Rational> Rational::parse(std::string_view text) {
  const auto slash = text.find('/');
  const std::string_view num_text = text.substr(0, slash);
  const std::string_view den_text =
      slash == std::string_view::npos ? std::string_view("1") : text.substr(slash + 1);
  std::int64_t num = 0;
  std::int64_t den = 0;
  auto parse_part = [](std::string_view s, std::int64_t& out) {
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && ptr == s.data() + s.size() && !s.empty();
  };
  if (!parse_part(num_text, num) || !parse_part(den_text, den)) {
    return fail(Errc::invalid_argument,
                "rational: expected N or N/D, got '" + std::string(text) + "'");
  }
  return make(num, den);
}

Rational Rational::inverse() const noexcept {
  return Rational(den_, num_);
}

std::string Rational::to_string() const {
  return std::to_string(num_) + "/" + std::to_string(den_);
}

double Rational::to_double() const noexcept {
  return static_cast<double>(num_) / static_cast<double>(den_);
}

std::strong_ordering operator<=>(const Rational& a, const Rational& b) noexcept {
  return static_cast<i128>(a.num_) * b.den_ <=> static_cast<i128>(b.num_) * a.den_;
}

Time Time::nanoseconds(std::int64_t ns) {
  return {ns, kNanosecondTimebase};
}

Result<Time> Time::rescale(Rational timebase, Rounding rounding) const {
  // value × (a.num/a.den) / (b.num/b.den) = value × (a.num·b.den) / (a.den·b.num)
  i128 p = static_cast<i128>(timebase_.num()) * timebase.den();
  i128 q = static_cast<i128>(timebase_.den()) * timebase.num();
  const i128 g = gcd128(p, q);
  p /= g;
  q /= g;
  auto ticks = scale(value_, p, q, rounding);
  if (!ticks) return tl::unexpected(ticks.error());
  return Time(*ticks, timebase);
}

Result<std::int64_t> Time::in(Rational timebase, Rounding rounding) const {
  auto t = rescale(timebase, rounding);
  if (!t) return tl::unexpected(t.error());
  return t->value();
}

Result<Time> Time::scaled(Rational factor, Rounding rounding) const {
  auto ticks = scale(value_, factor.num(), factor.den(), rounding);
  if (!ticks) return tl::unexpected(ticks.error());
  return Time(*ticks, timebase_);
}

std::string Time::to_string() const {
  return std::to_string(value_) + "*" + timebase_.to_string();
}

double Time::seconds() const noexcept {
  return static_cast<double>(value_) * timebase_.to_double();
}

Result<Rational> common_timebase(Rational a, Rational b) {
  const i128 num = gcd128(a.num(), b.num());
  const i128 den = static_cast<i128>(a.den()) / gcd128(a.den(), b.den()) * b.den();
  if (!fits(den)) return fail(Errc::out_of_range, "common timebase overflows int64");
  return Rational::make(static_cast<std::int64_t>(num), static_cast<std::int64_t>(den));
}

namespace {

Result<Time> combine(const Time& a, const Time& b, int sign) {
  auto tb = common_timebase(a.timebase(), b.timebase());
  if (!tb) return tl::unexpected(tb.error());
  auto va = a.in(*tb, Rounding::exact);
  if (!va) return tl::unexpected(va.error());
  auto vb = b.in(*tb, Rounding::exact);
  if (!vb) return tl::unexpected(vb.error());
  const i128 sum = static_cast<i128>(*va) + sign * static_cast<i128>(*vb);
  if (!fits(sum)) return fail(Errc::out_of_range, "time sum overflows int64");
  return Time(static_cast<std::int64_t>(sum), *tb);
}

}  // namespace

Result<Time> add(const Time& a, const Time& b) {
  return combine(a, b, +1);
}
Result<Time> subtract(const Time& a, const Time& b) {
  return combine(a, b, -1);
}

std::strong_ordering operator<=>(const Time& a, const Time& b) noexcept {
  // Compare (va·an)/ad with (vb·bn)/bd: numerators fit in 127 bits, denominators in 63.
  // Whole parts first, then remainders cross-multiplied (each < 2^63, product < 2^126).
  const i128 pa = static_cast<i128>(a.value_) * a.timebase_.num();
  const i128 pb = static_cast<i128>(b.value_) * b.timebase_.num();
  const i128 qa = a.timebase_.den();
  const i128 qb = b.timebase_.den();
  i128 ia = 0, ra = 0, ib = 0, rb = 0;
  floor_divmod(pa, qa, ia, ra);
  floor_divmod(pb, qb, ib, rb);
  if (ia != ib) return ia <=> ib;
  return ra * qb <=> rb * qa;
}

}  // namespace clinvid
