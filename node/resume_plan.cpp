#include "node/resume_plan.h"

namespace hotline::node {

ResumePlan plan_resume(const ResumeFacts& facts, const wire::Hello& hello) {
  ResumePlan plan;
  if (hello.acknowledged_floor() > facts.delivered_of_peer) {
    plan.raise_delivered_to = hello.acknowledged_floor();
  }
  const wire::ResumePoint& resume = hello.resume();
  // A resume point for another epoch of ours (one before a restart without a journal, or one
  // that never was) says nothing about this one.
  if (resume.peer_epoch() != facts.own_epoch) return plan;
  plan.peer_delivered = resume.delivered_seq();
  if (resume.delivered_seq() > facts.own_transmitted) {
    plan.start_new_epoch = true;
  } else if (resume.delivered_seq() > facts.own_acknowledged_seq) {
    plan.acknowledged_up_to = resume.delivered_seq();
  }
  return plan;
}

}  // namespace hotline::node
