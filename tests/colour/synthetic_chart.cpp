#include "synthetic_chart.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <sstream>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace clinvid::colour::testing {
namespace {

Vec3 cast_of(Illuminant illuminant) {
  switch (illuminant) {
    case Illuminant::tungsten_2850k: return {1.0, 0.62, 0.30};
    case Illuminant::fluorescent: return {0.78, 1.0, 0.72};
    case Illuminant::led: return {0.82, 0.92, 1.0};
    case Illuminant::d65: break;
  }
  return {1.0, 1.0, 1.0};
}

std::string_view name_of(Illuminant illuminant) {
  switch (illuminant) {
    case Illuminant::tungsten_2850k: return "tungsten";
    case Illuminant::fluorescent: return "fluorescent";
    case Illuminant::led: return "led";
    case Illuminant::d65: break;
  }
  return "d65";
}

std::string_view name_of(CameraCurve curve) {
  switch (curve) {
    case CameraCurve::bt709: return "bt709";
    case CameraCurve::gamma26: return "gamma2.6";
    case CameraCurve::log_c: return "log";
    case CameraCurve::srgb: break;
  }
  return "srgb";
}

// Projective map from chart coordinates to image pixels.
struct Homography {
  cv::Matx33d h;
  cv::Matx33d inv;
  [[nodiscard]] Point2 to_chart(double x, double y) const {
    const cv::Vec3d q = inv * cv::Vec3d(x, y, 1.0);
    return {q[0] / q[2], q[1] / q[2]};
  }
  [[nodiscard]] Point2 to_image(double u, double v) const {
    const cv::Vec3d q = h * cv::Vec3d(u, v, 1.0);
    return {q[0] / q[2], q[1] / q[2]};
  }
};

cv::Scalar to_scalar(const Vec3& v) {
  return {v[0], v[1], v[2]};
}

void draw_clutter(cv::Mat& lin, std::mt19937& rng, const SyntheticCamera& camera) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const int w = lin.cols;
  const int h = lin.rows;
  for (int i = 0; i < 45; ++i) {
    const Vec3 colour = camera.sensor_linear({0.9 * u(rng), 0.9 * u(rng), 0.9 * u(rng)});
    const cv::Point c(static_cast<int>(u(rng) * w), static_cast<int>(u(rng) * h));
    const int size = static_cast<int>(10 + u(rng) * 0.12 * w);
    switch (i % 4) {
      case 0: cv::circle(lin, c, size / 2, to_scalar(colour), cv::FILLED, cv::LINE_AA); break;
      case 1: {
        const cv::RotatedRect box(
            cv::Point2f(c), cv::Size2f(static_cast<float>(size), static_cast<float>(size) * 0.6F),
            static_cast<float>(u(rng) * 180.0));
        cv::Point2f pts[4];
        box.points(pts);
        std::vector<cv::Point> poly(pts, pts + 4);
        cv::fillConvexPoly(lin, poly, to_scalar(colour), cv::LINE_AA);
        break;
      }
      case 2:
        cv::line(lin, c, c + cv::Point(size, size / 3), to_scalar(colour), 3, cv::LINE_AA);
        break;
      default: {
        // A small grid of coloured squares: a decoy with the texture of a chart.
        const int cell = std::max(8, size / 4);
        for (int r = 0; r < 2; ++r) {
          for (int k = 0; k < 3; ++k) {
            const Vec3 cc = camera.sensor_linear({u(rng), u(rng), u(rng)});
            const cv::Point tl = c + cv::Point(k * (cell + cell / 6), r * (cell + cell / 6));
            cv::rectangle(lin, tl, tl + cv::Point(cell, cell), to_scalar(cc), cv::FILLED);
          }
        }
      }
    }
  }
}

}  // namespace

Vec3 SyntheticCamera::sensor_linear(const Vec3& scene_linear) const {
  return mul(sensor, scene_linear);
}

double SyntheticCamera::encode(double x) const {
  x = std::clamp(x, 0.0, 1.0);
  switch (curve) {
    case CameraCurve::bt709: return bt709_encode(x);
    case CameraCurve::gamma26: return std::pow(x, 1.0 / 2.6);
    case CameraCurve::log_c: return 0.06 + 0.94 * std::log2(1.0 + 40.0 * x) / std::log2(41.0);
    case CameraCurve::srgb: break;
  }
  return srgb_encode(x);
}

Vec3 SyntheticCamera::patch_signal(std::size_t patch, ReferenceSet set) const {
  const Vec3 scene = lab_d50_to_linear_srgb(builtin_reference(set).patches[patch].lab_d50);
  const Vec3 s = sensor_linear(scene);
  Vec3 out{};
  for (std::size_t c = 0; c < 3; ++c) out[c] = encode(s[c] * metamerism[patch][c]);
  return out;
}

SyntheticCamera make_camera(const CameraSpec& spec) {
  std::mt19937 rng(spec.seed * 7919U + 17U);
  std::uniform_real_distribution<double> u(0.2, 1.0);
  std::normal_distribution<double> n(0.0, 1.0);
  Mat3 crosstalk{};
  for (std::size_t r = 0; r < 3; ++r) {
    double sum = 0.0;
    for (std::size_t c = 0; c < 3; ++c) {
      crosstalk[r][c] = r == c ? 1.0 : u(rng) * spec.crosstalk;
      sum += crosstalk[r][c];
    }
    for (std::size_t c = 0; c < 3; ++c) crosstalk[r][c] /= sum;
  }
  const Vec3 cast = cast_of(spec.illuminant);
  const double gain = 0.5 * std::exp2(spec.exposure_ev);
  SyntheticCamera camera;
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t c = 0; c < 3; ++c) camera.sensor[r][c] = crosstalk[r][c] * cast[c] * gain;
  }
  camera.curve = spec.curve;
  for (auto& m : camera.metamerism) {
    for (double& v : m) v = 1.0 + spec.metamerism * n(rng);
  }
  return camera;
}

SyntheticImage render_scene(const SceneSpec& scene, const SyntheticCamera& camera) {
  std::mt19937 rng(scene.seed * 104729U + 3U);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const int w = scene.width;
  const int h = scene.height;

  // Background: a smooth wash, then clutter, all in sensor-linear light.
  cv::Mat lin(h, w, CV_64FC3);
  const Vec3 bg0 = camera.sensor_linear({0.05 + 0.3 * u(rng), 0.05 + 0.3 * u(rng), 0.1});
  const Vec3 bg1 = camera.sensor_linear({0.1, 0.05 + 0.3 * u(rng), 0.05 + 0.3 * u(rng)});
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const double t = (x + y) / static_cast<double>(w + h);
      cv::Vec3d& p = lin.at<cv::Vec3d>(y, x);
      for (int c = 0; c < 3; ++c) {
        const auto k = static_cast<std::size_t>(c);
        p[c] = bg0[k] * (1.0 - t) + bg1[k] * t;
      }
    }
  }
  if (scene.clutter) draw_clutter(lin, rng, camera);

  SyntheticImage out;
  if (scene.chart) {
    constexpr double kMargin = 0.4;  // black frame around the grid, in patch sides
    double scale = scene.chart_width * w / kGridWidth;
    const double theta = scene.rotation_deg * std::numbers::pi / 180.0;
    const double cs = std::cos(theta);
    const double sn = std::sin(theta);
    const double half_w = (kGridWidth / 2 + kMargin);
    const double half_h = (kGridHeight / 2 + kMargin);
    const double ext_x = std::abs(cs) * half_w + std::abs(sn) * half_h;
    const double ext_y = std::abs(sn) * half_w + std::abs(cs) * half_h;
    const double slack = 1.0 + 2.0 * scene.perspective;
    scale =
        std::min(scale, std::min(0.98 * w / (2 * ext_x * slack), 0.98 * h / (2 * ext_y * slack)));
    const double room_x = std::max(0.0, w / 2.0 - scale * ext_x * slack);
    const double room_y = std::max(0.0, h / 2.0 - scale * ext_y * slack);
    const double cx = w / 2.0 + (2 * u(rng) - 1) * room_x;
    const double cy = h / 2.0 + (2 * u(rng) - 1) * room_y;
    std::array<cv::Point2f, 4> src{};
    std::array<cv::Point2f, 4> dst{};
    const double gw = kGridWidth * scale;
    for (std::size_t k = 0; k < 4; ++k) {
      const Point2 g = grid_corner(k);
      src[k] = cv::Point2f(static_cast<float>(g.x), static_cast<float>(g.y));
      const double lx = (g.x - kGridWidth / 2) * scale;
      const double ly = (g.y - kGridHeight / 2) * scale;
      const double jx = (2 * u(rng) - 1) * scene.perspective * gw;
      const double jy = (2 * u(rng) - 1) * scene.perspective * gw;
      dst[k] = cv::Point2f(static_cast<float>(cx + cs * lx - sn * ly + jx),
                           static_cast<float>(cy + sn * lx + cs * ly + jy));
    }
    const cv::Matx33d hm = cv::getPerspectiveTransform(src.data(), dst.data());
    const Homography hom{hm, hm.inv()};
    std::array<Vec3, kPatchCount> patch_lin{};
    const Vec3 frame_lin = camera.sensor_linear({0.012, 0.012, 0.012});
    for (std::size_t i = 0; i < kPatchCount; ++i) {
      const Vec3 scene_rgb =
          lab_d50_to_linear_srgb(builtin_reference(scene.reference).patches[i].lab_d50);
      const Vec3 s = camera.sensor_linear(scene_rgb);
      for (std::size_t c = 0; c < 3; ++c) patch_lin[i][c] = s[c] * camera.metamerism[i][c];
      for (std::size_t c = 0; c < 3; ++c) out.truth[i][c] = camera.encode(patch_lin[i][c]);
    }
    auto chart_value = [&](double x, double y, cv::Vec3d& acc) {
      const Point2 q = hom.to_chart(x, y);
      if (q.x < -kMargin || q.y < -kMargin || q.x > kGridWidth + kMargin ||
          q.y > kGridHeight + kMargin) {
        return false;
      }
      const double col = std::floor(q.x / kPatchPitch);
      const double row = std::floor(q.y / kPatchPitch);
      const Vec3* v = &frame_lin;
      if (col >= 0 && row >= 0 && col < kChartColumns && row < kChartRows &&
          q.x - col * kPatchPitch < 1.0 && q.y - row * kPatchPitch < 1.0) {
        v = &patch_lin[static_cast<std::size_t>(row) * kChartColumns +
                       static_cast<std::size_t>(col)];
      }
      acc += cv::Vec3d((*v)[0], (*v)[1], (*v)[2]);
      return true;
    };
    // Only the chart's bounding box can change.
    double x_lo = w, x_hi = 0.0, y_lo = h, y_hi = 0.0;
    for (const auto& [gx, gy] : {std::pair{-kMargin, -kMargin},
                                 {kGridWidth + kMargin, -kMargin},
                                 {kGridWidth + kMargin, kGridHeight + kMargin},
                                 {-kMargin, kGridHeight + kMargin}}) {
      const Point2 p = hom.to_image(gx, gy);
      x_lo = std::min(x_lo, p.x);
      x_hi = std::max(x_hi, p.x);
      y_lo = std::min(y_lo, p.y);
      y_hi = std::max(y_hi, p.y);
    }
    const int y0 = std::max(0, static_cast<int>(y_lo) - 1);
    const int y1 = std::min(h, static_cast<int>(y_hi) + 2);
    const int x0 = std::max(0, static_cast<int>(x_lo) - 1);
    const int x1 = std::min(w, static_cast<int>(x_hi) + 2);
    for (int y = y0; y < y1; ++y) {
      for (int x = x0; x < x1; ++x) {
        cv::Vec3d acc(0, 0, 0);
        int inside = 0;
        for (const double oy : {0.25, 0.75}) {
          for (const double ox : {0.25, 0.75}) inside += chart_value(x + ox, y + oy, acc) ? 1 : 0;
        }
        if (inside == 0) continue;
        cv::Vec3d& p = lin.at<cv::Vec3d>(y, x);
        p = (acc + p * (4 - inside)) / 4.0;
      }
    }
    // Specular highlights: small bright spots anywhere inside random patches.
    std::uniform_int_distribution<std::size_t> pick(0, kPatchCount - 1);
    for (int s = 0; s < scene.specular_spots; ++s) {
      const std::size_t i = pick(rng);
      const Point2 centre = patch_centre(i);
      const Point2 at =
          hom.to_image(centre.x + 0.5 * (u(rng) - 0.5), centre.y + 0.5 * (u(rng) - 0.5));
      const double sigma = 0.05 * scale;
      const int reach = static_cast<int>(std::ceil(3 * sigma));
      for (int y = static_cast<int>(at.y) - reach; y <= static_cast<int>(at.y) + reach; ++y) {
        for (int x = static_cast<int>(at.x) - reach; x <= static_cast<int>(at.x) + reach; ++x) {
          if (x < 0 || y < 0 || x >= w || y >= h) continue;
          const double d2 =
              (x + 0.5 - at.x) * (x + 0.5 - at.x) + (y + 0.5 - at.y) * (y + 0.5 - at.y);
          const double a = 0.8 * std::exp(-d2 / (2 * sigma * sigma));
          lin.at<cv::Vec3d>(y, x) += cv::Vec3d(a, a, a);
        }
      }
    }
    for (std::size_t k = 0; k < 4; ++k) out.corners[k] = {dst[k].x, dst[k].y};
  }

  // Uneven light: a linear ramp in a random direction, peak-to-peak across the frame.
  const double dir = 2 * std::numbers::pi * u(rng);
  const double diag = std::hypot(w, h);
  cv::GaussianBlur(lin, lin, cv::Size(0, 0), 0.6);
  cv::RNG gauss(scene.seed * 2654435761U + 1U);
  cv::Mat rgb(h, w, CV_8UC3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const double along = ((x - w / 2.0) * std::cos(dir) + (y - h / 2.0) * std::sin(dir)) / diag;
      const double light = 1.0 + scene.illumination_gradient * along;
      const cv::Vec3d& p = lin.at<cv::Vec3d>(y, x);
      cv::Vec3b& o = rgb.at<cv::Vec3b>(y, x);
      for (int c = 0; c < 3; ++c) {
        const double v = std::max(0.0, p[c] * light);
        const double noisy =
            v + (scene.noise * std::sqrt(v) + scene.noise / 5) * gauss.gaussian(1.0);
        o[c] = static_cast<std::uint8_t>(std::lround(255.0 * camera.encode(noisy)));
      }
    }
  }
  if (scene.jpeg_quality > 0) {
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    std::vector<std::uint8_t> buf;
    cv::imencode(".jpg", bgr, buf, {cv::IMWRITE_JPEG_QUALITY, scene.jpeg_quality});
    cv::cvtColor(cv::imdecode(buf, cv::IMREAD_COLOR), rgb, cv::COLOR_BGR2RGB);
  }
  if (scene.mirrored) {
    cv::flip(rgb, rgb, 1);
    for (Point2& p : out.corners) p.x = w - p.x;
  }
  out.rgb = rgb;
  return out;
}

Frame to_rgba_frame(const cv::Mat& rgb) {
  Frame frame = Frame::allocate(PixelFormat::rgba, static_cast<std::uint32_t>(rgb.cols),
                                static_cast<std::uint32_t>(rgb.rows))
                    .value();
  FrameView v = frame.view();
  for (int y = 0; y < rgb.rows; ++y) {
    std::uint8_t* row = v.planes[0] + static_cast<std::size_t>(y) * v.strides[0];
    for (int x = 0; x < rgb.cols; ++x) {
      const cv::Vec3b& p = rgb.at<cv::Vec3b>(y, x);
      const auto i = static_cast<std::size_t>(x) * 4;
      row[i] = p[0];
      row[i + 1] = p[1];
      row[i + 2] = p[2];
      row[i + 3] = 255;
    }
  }
  return frame;
}

cv::Mat to_rgb_mat(const ConstFrameView& rgba) {
  cv::Mat rgb(static_cast<int>(rgba.height), static_cast<int>(rgba.width), CV_8UC3);
  for (int y = 0; y < rgb.rows; ++y) {
    const std::uint8_t* row = rgba.planes[0] + static_cast<std::size_t>(y) * rgba.strides[0];
    for (int x = 0; x < rgb.cols; ++x) {
      const auto i = static_cast<std::size_t>(x) * 4;
      rgb.at<cv::Vec3b>(y, x) = cv::Vec3b(row[i], row[i + 1], row[i + 2]);
    }
  }
  return rgb;
}

std::string describe(const CameraSpec& camera, const SceneSpec& scene) {
  std::ostringstream s;
  s << "camera seed " << camera.seed << " " << name_of(camera.illuminant) << " "
    << camera.exposure_ev << "EV " << name_of(camera.curve) << " crosstalk " << camera.crosstalk
    << "; scene seed " << scene.seed << " " << scene.width << "x" << scene.height << " rot "
    << scene.rotation_deg << " persp " << scene.perspective << (scene.mirrored ? " mirrored" : "")
    << " gradient " << scene.illumination_gradient << " speculars " << scene.specular_spots
    << " noise " << scene.noise << " jpeg " << scene.jpeg_quality;
  return s.str();
}

}  // namespace clinvid::colour::testing
