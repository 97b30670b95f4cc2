#include <utility>

#include "timeline/commands.hpp"
#include "timeline/validate.hpp"

namespace clinvid::timeline {

History::History(Project initial) : current_(std::move(initial)) {}

Result<std::string> History::apply(const Command& command) {
  if (!command.edit) return fail(Errc::invalid_argument, command.label + ": command has no edit");
  Project next = current_;
  auto created = command.edit(next);
  if (!created) return with_context(created.error(), command.label);
  if (auto valid = validate_project(next); !valid) {
    return with_context(valid.error(), command.label);
  }
  redo_.clear();
  if (group_depth_ > 0) {
    group_changed_ = true;
  } else {
    undo_.push_back(Entry{command.label, std::move(current_)});
  }
  current_ = std::move(next);
  return created;
}

Status History::undo() {
  if (group_depth_ > 0) return fail(Errc::invalid_argument, "undo: a group is still open");
  if (undo_.empty()) return fail(Errc::invalid_argument, "undo: nothing to undo");
  Entry entry = std::move(undo_.back());
  undo_.pop_back();
  std::swap(current_, entry.snapshot);  // the entry now holds the state to redo to
  redo_.push_back(std::move(entry));
  return {};
}

Status History::redo() {
  if (group_depth_ > 0) return fail(Errc::invalid_argument, "redo: a group is still open");
  if (redo_.empty()) return fail(Errc::invalid_argument, "redo: nothing to redo");
  Entry entry = std::move(redo_.back());
  redo_.pop_back();
  std::swap(current_, entry.snapshot);
  undo_.push_back(std::move(entry));
  return {};
}

std::string History::undo_label() const {
  return undo_.empty() ? std::string() : undo_.back().label;
}

std::string History::redo_label() const {
  return redo_.empty() ? std::string() : redo_.back().label;
}

void History::begin_group(std::string label) {
  if (group_depth_++ == 0) {
    group_ = Entry{std::move(label), current_};
    group_changed_ = false;
  }
}

Status History::end_group() {
  if (group_depth_ == 0) return fail(Errc::invalid_argument, "end_group: no group is open");
  if (--group_depth_ > 0) return {};
  if (group_changed_) undo_.push_back(std::move(group_));
  group_ = {};
  group_changed_ = false;
  return {};
}

Status History::rollback_group() {
  if (group_depth_ == 0) return fail(Errc::invalid_argument, "rollback_group: no group is open");
  current_ = std::move(group_.snapshot);
  group_depth_ = 0;
  group_ = {};
  group_changed_ = false;
  return {};
}

History::Group::Group(History& history, std::string label) : history_(&history) {
  history_->begin_group(std::move(label));
}

History::Group::~Group() {
  if (open_) (void)history_->end_group();
}

void History::Group::rollback() {
  if (open_) (void)history_->rollback_group();
  open_ = false;
}

}  // namespace clinvid::timeline
