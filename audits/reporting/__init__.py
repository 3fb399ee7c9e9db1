"""What people read about compliance: the review queue, digest, board summary, audit reports."""
