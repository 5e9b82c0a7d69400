"""Notifications: e-mail to a task's registrant when the task is returned, approved or evaluated."""
