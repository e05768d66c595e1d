"""Online activities (网上活动): walking challenges, quizzes, reading, benefit draws, events."""
