#include "views/settings_view.hpp"

#include <string.h>  // explicit_bzero
#include <chrono>
#include <cstring>
#include <filesystem>
#include <utility>

#include <fmt/format.h>
#include <gst/gst.h>
#include <imgui.h>
extern "C" {
#include <libavcodec/avcodec.h>
}

#include "text_input.hpp"
#include "ui_probe.hpp"

namespace clinvid::studio {

namespace {

struct KnownEncoder {
  const char* name;
  const char* used_by;
  const char* what;
  bool gstreamer;
};

// The H.264 encoders the capture pipeline (engine/capture) and the exporter (engine/media)
// choose between, in their order of preference.
constexpr KnownEncoder kKnownEncoders[] = {
    {"nvh264enc", "capture (GStreamer)", "H.264, NVIDIA NVENC", true},
    {"vah264enc", "capture (GStreamer)", "H.264, VA-API", true},
    {"x264enc", "capture (GStreamer)", "H.264, x264 software", true},
    {"h264_nvenc", "export (FFmpeg)", "H.264, NVIDIA NVENC (needs the GPU at run time)", false},
    {"h264_vaapi", "export (FFmpeg)", "H.264, VA-API (needs a render node at run time)", false},
    {"libx264", "export (FFmpeg)", "H.264, x264 software", false},
};

std::uintmax_t directory_bytes(const std::filesystem::path& dir) {
  std::uintmax_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) total += it->file_size(size_ec);
  }
  return total;
}

// Adds the user through an Archive of the worker's own (an Archive belongs to one thread).
Status add_user_on_worker(std::filesystem::path dir, std::string admin,
                          crypto::SecretBytes admin_passphrase, std::string name,
                          consent::Role role, crypto::SecretBytes passphrase) {
  auto opened = archive::Archive::open(dir);
  if (!opened) return tl::unexpected(opened.error());
  if (auto unlocked = opened->unlock(admin, admin_passphrase); !unlocked) return unlocked;
  return opened->add_user(name, role, passphrase);
}

}  // namespace

std::vector<EncoderInfo> probe_encoders() {
  if (gst_is_initialized() == FALSE) (void)gst_init_check(nullptr, nullptr, nullptr);
  std::vector<EncoderInfo> out;
  for (const KnownEncoder& known : kKnownEncoders) {
    bool available = false;
    if (known.gstreamer) {
      GstElementFactory* factory = gst_element_factory_find(known.name);
      available = factory != nullptr;
      if (factory != nullptr) gst_object_unref(factory);
    } else {
      available = avcodec_find_encoder_by_name(known.name) != nullptr;
    }
    out.push_back(EncoderInfo{known.name, known.used_by, known.what, available});
  }
  return out;
}

SettingsView::SettingsView(StudioModel& model, const Workstation& workstation, LockScreen& lock,
                           Theme& theme)
    : model_(&model),
      workstation_(&workstation),
      lock_(&lock),
      theme_(&theme),
      probing_(std::async(std::launch::async, probe_encoders)),
      lock_minutes_(static_cast<int>(lock.clock().timeout().count() / 60)) {}

SettingsView::~SettingsView() {
  explicit_bzero(new_passphrase_.data(), new_passphrase_.size());
  explicit_bzero(confirm_passphrase_.data(), confirm_passphrase_.size());
}

void SettingsView::poll() {
  using namespace std::chrono_literals;
  if (probing_.valid() && probing_.wait_for(0s) == std::future_status::ready) {
    encoders_ = probing_.get();
  }
  if (adding_.valid() && adding_.wait_for(0s) == std::future_status::ready) {
    const Status added = adding_.get();
    add_failed_ = !added;
    add_message_ = added ? fmt::format("User `{}` added.", new_user_)
                         : added.error().message() + " — check the name and try again.";
    if (added) new_user_.clear();
    (void)refresh_users();
  }
}

Status SettingsView::refresh_users() {
  if (!model_->signed_in()) return fail(Errc::permission_denied, "settings: sign in first");
  auto users = model_->archive().list_users();
  if (!users) {
    users_error_ = users.error().message();
    return tl::unexpected(users.error());
  }
  users_error_.clear();
  users_ = std::move(*users);
  return {};
}

Status SettingsView::start_add_user() {
  const auto fail_with = [this](std::string message) -> Status {
    add_failed_ = true;
    add_message_ = message;
    return fail(Errc::invalid_argument, std::move(message));
  };
  if (!model_->signed_in()) return fail_with("Sign in first.");
  if (model_->user().role != consent::Role::information_governance_officer) {
    return fail_with("Only the information-governance officer adds users.");
  }
  if (adding_.valid()) return fail_with("A user is being added; wait for it to finish.");
  if (new_user_.empty()) return fail_with("Enter the new user's name.");
  const std::string_view passphrase(new_passphrase_.data(), std::strlen(new_passphrase_.data()));
  const std::string_view confirm(confirm_passphrase_.data(),
                                 std::strlen(confirm_passphrase_.data()));
  if (passphrase.size() < 8) return fail_with("The passphrase needs at least 8 characters.");
  if (passphrase != confirm) return fail_with("The two passphrases differ: type them again.");
  adding_ = std::async(std::launch::async, add_user_on_worker, model_->archive_dir(),
                       model_->user().name, model_->passphrase_copy(), new_user_, new_role_,
                       crypto::SecretBytes::copy_of(passphrase));
  explicit_bzero(new_passphrase_.data(), new_passphrase_.size());
  explicit_bzero(confirm_passphrase_.data(), confirm_passphrase_.size());
  add_failed_ = false;
  add_message_ = "Adding the user (stretching the passphrase takes a moment)…";
  return {};
}

void SettingsView::draw() {
  poll();
  if (!users_ && users_error_.empty()) (void)refresh_users();
  ImGui::BeginChild("settings.left", ImVec2(ImGui::GetContentRegionAvail().x * 0.5F - 4.0F, 0),
                    true);
  draw_machine();
  draw_archive();
  draw_preferences();
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("settings.right", ImVec2(0, 0), true);
  draw_users();
  draw_policy();
  ImGui::EndChild();
}

void SettingsView::draw_machine() {
  ImGui::TextUnformatted("Cameras attached");
  ImGui::Separator();
  if (workstation_->cameras.empty()) {
    ImGui::TextColored(kMutedColour,
                       "None found: the Capture view uses the built-in test cameras.");
  }
  for (const std::string& camera : workstation_->cameras) ImGui::BulletText("%s", camera.c_str());
  ImGui::Spacing();
  ImGui::TextUnformatted("Encoders");
  ImGui::Separator();
  if (!encoders_) {
    ImGui::TextColored(kMutedColour, "Looking for encoders…");
    return;
  }
  if (ImGui::BeginTable("settings.encoders", 3, ImGuiTableFlags_RowBg)) {
    for (const EncoderInfo& encoder : *encoders_) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextColored(encoder.available ? kOkColour : kMutedColour, "%s",
                         encoder.available ? "available" : "not here");
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(encoder.name.c_str());
      ImGui::TableNextColumn();
      ImGui::TextColored(kMutedColour, "%s — %s", encoder.used_by.c_str(), encoder.what.c_str());
    }
    ImGui::EndTable();
  }
  probe_item("settings.encoders");
}

void SettingsView::draw_archive() {
  ImGui::Spacing();
  ImGui::TextUnformatted("Archive");
  ImGui::Separator();
  ImGui::Text("Location: %s", model_->archive_dir().c_str());
  probe_item("settings.archive");
  ImGui::TextColored(kMutedColour, "Default for this user: %s",
                     workstation_->archive.string().c_str());
  if (!workstation_->archive_problem.empty()) {
    ImGui::TextColored(kWarningColour, "%s", workstation_->archive_problem.c_str());
  }
  if (ImGui::Button("Measure size")) {
    add_message_ = fmt::format(
        "The archive holds {:.1f} MiB (encrypted).",
        static_cast<double>(directory_bytes(model_->archive_dir())) / (1024.0 * 1024.0));
    add_failed_ = false;
  }
  probe_item("settings.measure");
}

void SettingsView::draw_preferences() {
  ImGui::Spacing();
  ImGui::TextUnformatted("Preferences");
  ImGui::Separator();
  if (ImGui::RadioButton("Dark theme", *theme_ == Theme::dark)) {
    *theme_ = Theme::dark;
    apply_theme(*theme_);
  }
  probe_item("settings.theme.dark");
  ImGui::SameLine();
  if (ImGui::RadioButton("Light theme", *theme_ == Theme::light)) {
    *theme_ = Theme::light;
    apply_theme(*theme_);
  }
  probe_item("settings.theme.light");
  ImGui::SetNextItemWidth(200.0F);
  if (ImGui::SliderInt("Lock after (minutes, 0 never)", &lock_minutes_, 0, 60)) {
    lock_->clock().set_timeout(std::chrono::minutes(lock_minutes_), InactivityLock::Clock::now());
  }
  probe_item("settings.lock_minutes");
  const auto timeout = lock_->clock().timeout();
  ImGui::TextColored(kMutedColour, "Locks after %lld s without input; Ctrl+L locks now.",
                     static_cast<long long>(timeout.count()));
}

void SettingsView::draw_users() {
  ImGui::TextUnformatted("Users of this archive");
  ImGui::Separator();
  if (!users_error_.empty()) ImGui::TextColored(kErrorColour, "%s", users_error_.c_str());
  if (users_ && ImGui::BeginTable("settings.users", 3, ImGuiTableFlags_RowBg)) {
    for (const archive::UserInfo& user : *users_) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(user.name.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(std::string(consent::label(user.role)).c_str());
      ImGui::TableNextColumn();
      ImGui::TextColored(kMutedColour, "since %s", user.created_at.c_str());
    }
    ImGui::EndTable();
  }
  probe_item("settings.users");
  draw_add_user();
}

void SettingsView::draw_add_user() {
  ImGui::Spacing();
  const bool may_add = model_->user().role == consent::Role::information_governance_officer;
  if (!may_add) {
    ImGui::TextColored(kMutedColour,
                       "Only the information-governance officer adds users; ask yours.");
  } else {
    ImGui::TextUnformatted("Add a user");
    ImGui::SetNextItemWidth(220.0F);
    input_text("Name##settings.new_user", "user name", new_user_);
    probe_item("settings.new_user");
    for (consent::Role role : consent::all_roles()) {
      const std::string id(consent::to_string(role));
      if (ImGui::RadioButton(fmt::format("{}##role.{}", consent::label(role), id).c_str(),
                             new_role_ == role)) {
        new_role_ = role;
      }
      probe_item("settings.role." + id);
    }
    ImGui::SetNextItemWidth(220.0F);
    ImGui::InputText("Passphrase##settings.new_pass", new_passphrase_.data(),
                     new_passphrase_.size(), ImGuiInputTextFlags_Password);
    probe_item("settings.new_passphrase");
    ImGui::SetNextItemWidth(220.0F);
    const bool entered = ImGui::InputText(
        "Again##settings.confirm_pass", confirm_passphrase_.data(), confirm_passphrase_.size(),
        ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
    probe_item("settings.confirm_passphrase");
    ImGui::BeginDisabled(adding_.valid());
    const bool clicked = ImGui::Button("Add user");
    ImGui::EndDisabled();
    probe_item("settings.add_user");
    if (clicked || entered) (void)start_add_user();
  }
  if (!add_message_.empty()) {
    ImGui::TextColored(add_failed_ ? kErrorColour : kOkColour, "%s", add_message_.c_str());
  }
}

void SettingsView::draw_policy() {
  const consent::Policy& policy = model_->archive().policy();
  ImGui::Spacing();
  ImGui::TextUnformatted("Consent policy in force");
  ImGui::Separator();
  ImGui::Text("%s, version %s", policy.policy_id.c_str(), policy.version.c_str());
  probe_item("settings.policy");
  ImGui::TextColored(kMutedColour, "%s — owner: %s, effective from %s", policy.title.c_str(),
                     policy.owner.c_str(), policy.effective_from.to_string().c_str());
  std::size_t locked = 0;
  for (const consent::Rule& rule : policy.rules) locked += rule.locked ? 1 : 0;
  ImGui::Text(
      "%zu rules (%zu locked: the floor an organisation may not lower); anything else "
      "is refused by `%s`.",
      policy.rules.size(), locked, policy.default_id.c_str());
  if (ImGui::BeginTable(
          "settings.rules", 2,
          ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp,
          ImVec2(0, 220.0F))) {
    for (const consent::Rule& rule : policy.rules) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextColored(rule.effect == consent::Effect::allow ? kOkColour : kWarningColour, "%s",
                         std::string(consent::to_string(rule.effect)).c_str());
      ImGui::TableNextColumn();
      ImGui::TextWrapped("%s: %s", rule.id.c_str(), rule.text.c_str());
    }
    ImGui::EndTable();
  }
}

void SettingsView::add_script_steps(ScriptVerbs& verbs) {
  verbs.add("wait_settings", 0, 0, [this](StepCall& call) -> Result<bool> {
    poll();
    if (probing_.valid() || adding_.valid()) return false;
    call.extra["add_user_message"] = add_message_;
    return true;
  });
  verbs.add_state([this](Json& state) {
    if (!model_->signed_in()) return;
    Json users = Json::array();
    if (users_) {
      for (const archive::UserInfo& user : *users_) users.push_back(user.name);
    }
    std::size_t available = 0;
    if (encoders_) {
      for (const EncoderInfo& encoder : *encoders_) available += encoder.available ? 1 : 0;
    }
    state["settings"] = {{"users", users},
                         {"encoders_available", available},
                         {"policy", model_->archive().policy().policy_id},
                         {"policy_rules", model_->archive().policy().rules.size()},
                         {"theme", *theme_ == Theme::light ? "light" : "dark"},
                         {"lock_after_s", lock_->clock().timeout().count()},
                         {"add_user_failed", add_failed_}};
  });
}

}  // namespace clinvid::studio
