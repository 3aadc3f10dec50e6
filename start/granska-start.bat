@echo off
rem Windows: double-click to start the self-evaluation in the default browser.
rem The answers are kept in Documents\Sjalvvardering; close this window to stop.
chcp 65001 >nul
cd /d "%~dp0.."
set "FOLDER=%USERPROFILE%\Documents\Sjalvvardering"
if not exist "%FOLDER%" mkdir "%FOLDER%"
set "GRANSKA=.venv\Scripts\granska.exe"
if not exist "%GRANSKA%" set "GRANSKA=granska"
"%GRANSKA%" serve --dir "%FOLDER%" %*
if errorlevel 1 pause
