"""The administration pages: a programme's people, settings, organisations, goals and life
events (programme admins), programmes and organisations (site administrators), and the page
where an invitee accepts an invitation."""
